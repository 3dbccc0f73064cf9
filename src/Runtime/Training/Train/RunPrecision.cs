using ViTDsl.Runtime.Compute;
using ViTDsl.Runtime.Models;
using static TorchSharp.torch;

namespace ViTDsl.Runtime.Train;

/// <summary>
/// Resolves a run's <see cref="Precision.Auto"/> before it trains (a sweep resolves its trials before they start,
/// <see cref="TrialPrecisions"/>; this is for a run trained on its own). A run that already has files in one precision
/// (a result, its own checkpoint, or its lineage's shared checkpoints) continues in it; otherwise the shape's step is
/// measured and <see cref="PrecisionChoice"/> decides. The resolved precision is part of the run's lineage
/// (<see cref="RunLayout"/>), so a resume never mixes precisions.
/// </summary>
internal static class RunPrecision
{
    /// <param name="nativeBf16">Whether bf16 is native here (null: this machine's CPU flags).</param>
    /// <param name="measure">Measures a step (null: <see cref="StepRate.Measure"/> with the run's threads).</param>
    public static GeneratedExperiment Resolve(GeneratedExperiment generated, TrainingOptions options, ITrainingObserver? observer,
        bool? nativeBf16 = null, Func<GeneratedExperiment, Precision, StepRate>? measure = null)
    {
        if (generated.Declaration.Precision.IsResolved()) return generated;
        foreach (var precision in new[] { Precision.Fp32, Precision.Bf16 })
        {
            var layout = new RunLayout(options.Root, generated.Declaration with { Precision = precision });
            if (File.Exists(layout.Result) || File.Exists(layout.OwnCheckpoint) || layout.SharedCheckpointsUpTo(long.MaxValue).Any())
            {
                observer?.Log($"Precision.Auto → {precision.Label()}: this run's lineage has already trained in it");
                return generated.Resolved(precision);
            }
        }
        if (options.Threads is int threads) set_num_threads(threads);
        measure ??= (e, p) => StepRate.Measure(e, p);
        var decision = PrecisionChoice.Decide(nativeBf16 ?? CpuFeatures.OfThisMachine().HasNativeBf16, p => measure(generated, p));
        observer?.Log($"Precision.Auto → {decision.Reason}");
        return generated.Resolved(decision.Chosen);
    }
}
