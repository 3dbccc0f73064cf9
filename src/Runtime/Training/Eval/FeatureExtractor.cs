using ViTDsl.Runtime.Models;
using static TorchSharp.torch;

namespace ViTDsl.Runtime.Eval;

/// <summary>
/// Pre-logits features of a frozen model, in batches, for few-shot probes: eval mode (no dropout), no autograd,
/// results gathered on the CPU as float32 so a large evaluation set does not pile up on the device.
/// </summary>
internal static class FeatureExtractor
{
    /// <summary><paramref name="model"/>.Features over <paramref name="images"/> [N, C, H, W] → [N, RepresentationWidth].</summary>
    public static Tensor Extract(VitModule model, Tensor images, int batchSize = 256)
    {
        if (batchSize < 1) throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "Batch size must be at least 1.");
        bool wasTraining = model.training;
        model.eval();
        try
        {
            using var noGrad = no_grad();
            var parts = new List<Tensor>();
            long n = images.shape[0];
            for (long start = 0; start < n; start += batchSize)
            {
                using var scope = NewDisposeScope();
                var batch = images.narrow(0, start, Math.Min(batchSize, n - start));
                parts.Add(model.Features(batch).to(ScalarType.Float32).cpu().MoveToOuterDisposeScope());
            }
            var features = cat(parts, 0);
            foreach (var p in parts) p.Dispose();
            return features;
        }
        finally
        {
            model.train(wasTraining);
        }
    }
}
