using ViTDsl.Runtime.Compute;
using ViTDsl.Runtime.Store;

namespace ViTDsl.Runtime.Workers;

/// <summary>
/// How well one run of a sweep used the machine: the training FLOPs its trials computed (as they recorded them,
/// <see cref="MetricName.TrainFlops"/>) over the run's wall time, against the measured matmul peak
/// of the precisions they trained in. Everything else a sweep spends time on (start-up, data, evaluation, idle
/// workers) lowers it: it is the main job's efficiency in one number.
/// </summary>
/// <param name="Trials">Trials that finished in this run.</param>
/// <param name="TrainedFlops">Training FLOPs those trials computed in this run.</param>
/// <param name="WallSeconds">Wall time of the run.</param>
/// <param name="PeakGflops">Measured matmul peak (all cores) of their precisions, weighted by their FLOPs.</param>
internal sealed record SweepThroughput(int Trials, double TrainedFlops, double WallSeconds, double PeakGflops)
{
    /// <summary>Achieved training GFLOP/s of the whole run.</summary>
    public double AchievedGflops => WallSeconds > 0 ? TrainedFlops / WallSeconds / 1e9 : 0;

    /// <summary>The wall time the sweep estimated when it started (<see cref="Compute.SweepTimeEstimate"/>); 0 when not estimated.</summary>
    public double EstimatedSeconds { get; init; }

    /// <summary>How the peak was measured (<see cref="Compute.MatmulPeak.Method"/>).</summary>
    public string? PeakMethod { get; init; }

    /// <summary><see cref="AchievedGflops"/> ÷ <see cref="PeakGflops"/>.</summary>
    public double ShareOfPeak => PeakGflops > 0 ? AchievedGflops / PeakGflops : 0;

    /// <summary>
    /// Reads what the trials that succeeded in this run (those not in <paramref name="succeededBefore"/>) recorded.
    /// With several precisions the peak is their FLOP-weighted harmonic mean: the rate at which the same FLOPs would
    /// run if each ran at its own peak.
    /// </summary>
    public static SweepThroughput Of(ResultsStore store, string sweep, IReadOnlySet<string> succeededBefore, double wallSeconds,
        Func<string, Precision> precisionOf, PrecisionRates rates) =>
        Of(store, sweep, succeededBefore, wallSeconds, precisionOf, rates.GflopsOf);

    /// <summary>As above, with the peak of each precision given (e.g. <see cref="Compute.MatmulPeak"/> at the workers' threads).</summary>
    public static SweepThroughput Of(ResultsStore store, string sweep, IReadOnlySet<string> succeededBefore, double wallSeconds,
        Func<string, Precision> precisionOf, Func<Precision, double> peakGflops)
    {
        var finished = store.Trials(sweep).Where(t => t.Status == TrialStatus.Succeeded && !succeededBefore.Contains(t.Name)).ToList();
        double flops = 0, peakSeconds = 0;
        foreach (var trial in finished)
        {
            var trained = store.Metrics(trial.Id).Where(m => m.Name == MetricName.TrainFlops).Select(m => m.Value).DefaultIfEmpty(0).Max();
            flops += trained;
            peakSeconds += trained / (peakGflops(precisionOf(trial.Name)) * 1e9);
        }
        return new SweepThroughput(finished.Count, flops, wallSeconds, peakSeconds > 0 ? flops / peakSeconds / 1e9 : peakGflops(Precision.Fp32));
    }
}
