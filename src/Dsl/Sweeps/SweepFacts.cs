using System.Collections.Generic;
using System.Linq;

namespace ViTDsl;

/// <summary>
/// A sweep's compile-time facts: its compute as the paper counts it (every trial from scratch), the compute it
/// actually costs when durations branch off shared prefixes, and the wall time that takes on this machine.
/// </summary>
/// <param name="Trials">Number of trials.</param>
/// <param name="TrainingFlops">Σ over trials of 3 × forward FLOPs × steps × batch (the x-axis of the scaling plots).</param>
/// <param name="TrainingFlopsWhenBranched">FLOPs actually spent: each lineage's shared prefix once plus every trial's own steps.</param>
/// <param name="EstimatedSeconds">Wall time of the branched compute on <see cref="Machine"/>, at its measured small-model utilisation.</param>
public sealed record SweepFacts(int Trials, double TrainingFlops, double TrainingFlopsWhenBranched, double EstimatedSeconds)
{
    /// <summary>
    /// This 2-core CPU training small ViTs in fp32: tiny matrices reach only a fraction of the 2048² matmul peak.
    /// Calibrated on the FashionScaling study (widths 16–64, two one-thread workers): 15% of peak predicted its
    /// wall time to within 2% (617 s estimated, 625 s measured).
    /// </summary>
    public static Accelerator Machine => Accelerator.ThisCpuFp32 with { Utilization = 0.15 };

    public static SweepFacts Of(IReadOnlyList<Experiment> trials)
    {
        double flopsPerStep(Experiment e) => TrainingCompute.Of(e, imagesSeen: e.Data.Batch).Flops; // the one compute formula
        var total = trials.Sum(e => flopsPerStep(e) * e.Steps);
        var branched = trials.GroupBy(Lineage.KeyOf).Sum(lineage =>
            lineage.Max(e => Lineage.SharedSteps(e)) * flopsPerStep(lineage.First())
            + lineage.Sum(e => (e.Steps - Lineage.SharedSteps(e)) * flopsPerStep(e)));
        return new SweepFacts(trials.Count, total, branched, branched / Machine.SustainedFlopsPerSecond);
    }
}
