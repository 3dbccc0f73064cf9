using System;
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
/// <param name="EstimatedSeconds">Wall time of the branched compute on <see cref="Machine"/> in each trial's precision, at its measured utilisation.</param>
/// <param name="TrialTimeLimitSeconds">
/// The most wall time one trial attempt may take before its worker is killed (and the trial retried from its last
/// checkpoint): the sweep's declared <see cref="Sweep.TrialTimeLimitSeconds"/>, or <see cref="DefaultTrialTimeLimit"/>.
/// </param>
public sealed record SweepFacts(int Trials, double TrainingFlops, double TrainingFlopsWhenBranched, double EstimatedSeconds, double TrialTimeLimitSeconds)
{
    /// <summary>
    /// The default limit is this many times the longest trial's estimated training time (trained from scratch, as a
    /// retry may have to): generous, because the estimate assumes the whole machine while workers share it.
    /// </summary>
    public const double TrialTimeLimitFactor = 10;

    /// <summary>
    /// Plus this many seconds for what the estimate leaves out: starting the worker, loading data, evaluating at the end.
    /// </summary>
    public const double TrialOverheadSeconds = 300;

    /// <summary>The default per-trial time limit of a set of trials, in seconds.</summary>
    public static double DefaultTrialTimeLimit(IReadOnlyList<Experiment> trials) =>
        TrialOverheadSeconds + TrialTimeLimitFactor * trials.Select(e =>
            TrainingCompute.Of(e, imagesSeen: e.Data.Batch).Flops * e.Steps / Machine(e.Precision).SustainedFlopsPerSecond).DefaultIfEmpty(0).Max();

    /// <summary>
    /// Share of the 2048² matmul peak a sweep of small ViTs reaches, all workers together. Calibrated on the
    /// FashionScaling study (widths 16–64, two one-thread workers): 15% predicted its wall time to within 2%
    /// (617 s estimated, 625 s measured).
    /// </summary>
    public const double Utilization = 0.15;

    /// <summary>
    /// This 2-core CPU in <paramref name="precision"/> at the utilisation small ViTs reach. <see cref="Precision.Auto"/>
    /// is estimated at the fp32 rate: it trains in bf16 only where that measured faster, so fp32 bounds it.
    /// </summary>
    public static Accelerator Machine(Precision precision) => precision switch
    {
        Precision.Fp32 or Precision.Auto => Accelerator.ThisCpuFp32 with { Utilization = Utilization },
        Precision.Bf16 => Accelerator.ThisCpuBf16 with { Utilization = Utilization },
        _ => throw new ArgumentOutOfRangeException(nameof(precision), precision, "Precision is Fp32, Bf16 or Auto."),
    };

    /// <summary>
    /// The facts, with the wall time estimated on this machine's nominal rates (<see cref="Machine"/>);
    /// <paramref name="declaredTrialTimeLimitSeconds"/> overrides the default time limit.
    /// </summary>
    public static SweepFacts Of(IReadOnlyList<Experiment> trials, double? declaredTrialTimeLimitSeconds = null) =>
        Of(trials, Machine, declaredTrialTimeLimitSeconds);

    /// <summary>
    /// The facts, with the wall time estimated on <paramref name="machine"/>: e.g. the rates measured where the
    /// sweep runs, so a bf16 study on a CPU that emulates bf16 is estimated at the emulated rate.
    /// </summary>
    public static SweepFacts Of(IReadOnlyList<Experiment> trials, Func<Precision, Accelerator> machine, double? declaredTrialTimeLimitSeconds = null)
    {
        double flopsPerStep(Experiment e) => TrainingCompute.Of(e, imagesSeen: e.Data.Batch).Flops; // the one compute formula
        double secondsPerStep(Experiment e) => flopsPerStep(e) / machine(e.Precision).SustainedFlopsPerSecond;
        double branchedSum(Func<Experiment, double> perStep) => trials.GroupBy(Lineage.KeyOf).Sum(lineage =>
            lineage.Max(e => Lineage.SharedSteps(e)) * perStep(lineage.First())
            + lineage.Sum(e => (e.Steps - Lineage.SharedSteps(e)) * perStep(e)));
        var total = trials.Sum(e => flopsPerStep(e) * e.Steps);
        return new SweepFacts(trials.Count, total, branchedSum(flopsPerStep), branchedSum(secondsPerStep),
            declaredTrialTimeLimitSeconds ?? DefaultTrialTimeLimit(trials));
    }
}
