using TorchSharp;
using ViTDsl.Runtime.Data;
using ViTDsl.Runtime.Train.Checkpoints;
using ViTDsl.Runtime.Train.Metrics;
using ViTDsl.Tests.Data;

namespace ViTDsl.Tests.Train;

/// <summary>The trainer's resume path with these parts: a run killed after a checkpoint continues on the same batches.</summary>
public class ResumeTests : IDisposable
{
    private readonly TempDirectory dir = new();
    public void Dispose() => dir.Dispose();

    private static readonly ViTDsl.Data Data = new(new DataSet.Synthetic(90, 0, 3)) { Batch = 32, Seed = 11 };

    // A stand-in training step: the metric depends on every pixel and label of the batch.
    private static double Step(Batch b) => b.Images.sum().item<float>() + 1000 * b.Labels.sum().item<long>();

    [Fact]
    public void A_run_resumed_from_its_checkpoint_records_the_same_metrics_as_an_uninterrupted_one()
    {
        var pipeline = DataPipeline.Load(Data, 28, 1);
        var folder = new CheckpointFolder(dir.File("ckpt"));

        // Uninterrupted: 7 steps.
        var reference = new List<double>();
        using (var loader = pipeline.Batches())
            for (int step = 0; step < 7; step++)
            {
                using var b = loader.Next();
                reference.Add(Step(b));
            }

        // Interrupted: 4 steps, checkpoint, "kill" (dispose with batches still prefetched), resume for 3 more.
        string metricsPath = dir.File("metrics.jsonl");
        using (var metrics = MetricsFile.Open(metricsPath))
        using (var loader = pipeline.Batches(prefetch: 4))
        {
            for (int step = 0; step < 4; step++)
            {
                using var b = loader.Next();
                metrics.Append(step, "train/value", Step(b));
            }
            using var w = torch.ones(2);
            Checkpoint.Write(folder.PathFor(4), new CheckpointHeader("Resume", 4, Data.Seed, loader.Position), [new("w", w)]);
        }
        var (path, header) = folder.Latest(out _)!.Value;
        Assert.Equal(4, header.Step);
        using (var metrics = MetricsFile.Open(metricsPath))
        using (var loader = pipeline.Batches(header.Data))
            for (long step = header.Step; step < 7; step++)
            {
                using var b = loader.Next();
                metrics.Append(step, "train/value", Step(b));
            }

        Assert.Equal(reference, MetricsFile.Read(metricsPath).Select(r => r.Value));
        Assert.Equal(Enumerable.Range(0, 7).Select(i => (long)i), MetricsFile.Read(metricsPath).Select(r => r.Step));
        Assert.EndsWith("step-00000004.ckpt", path);
    }
}
