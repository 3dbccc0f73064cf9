namespace ViTDsl.Runtime.Compute;

/// <summary>
/// What one trial of a sweep is estimated to cost: its declared compute over its shape's measured step rate, its
/// evaluations at the same rate, and a fixed overhead per attempt (worker start-up, data loading, few-shot probes,
/// recording).
/// </summary>
/// <param name="Name">The trial.</param>
/// <param name="TrainedSteps">Steps it trains itself: all of them for the longest run of a lineage, only its cooldown for a branch.</param>
/// <param name="FlopsPerStep">Declared training FLOPs of one step (<see cref="TrainingCompute"/>).</param>
/// <param name="Gflops">Measured rate of its shape's training step in its precision (<see cref="StepRate.Gflops"/>).</param>
/// <param name="EvaluationFlops">Declared forward FLOPs of its test evaluations (periodic and final).</param>
/// <param name="OverheadSeconds">Fixed seconds per trial.</param>
internal sealed record TrialEstimate(string Name, long TrainedSteps, double FlopsPerStep, double Gflops, double EvaluationFlops, double OverheadSeconds)
{
    /// <summary>Declared training compute ÷ measured rate.</summary>
    public double TrainSeconds => TrainedSteps * FlopsPerStep / (Gflops * 1e9);

    /// <summary>Evaluation compute at the same rate.</summary>
    public double EvaluateSeconds => EvaluationFlops / (Gflops * 1e9);

    public double Seconds => TrainSeconds + EvaluateSeconds + OverheadSeconds;
}

/// <summary>
/// A sweep's wall time before it starts, from its declared compute and the rates measured where it runs: each trial's
/// <see cref="TrialEstimate"/>, placed in the order the runner starts them on the first free worker, plus the fixed
/// seconds of the command (start-up measurements, report).
/// </summary>
/// <param name="Trials">Per-trial estimates, in the order the runner starts them.</param>
/// <param name="Workers">Trials run at once.</param>
/// <param name="FixedSeconds">Seconds outside the trials.</param>
internal sealed record SweepTimeEstimate(IReadOnlyList<TrialEstimate> Trials, int Workers, double FixedSeconds)
{
    /// <summary>
    /// Seconds per trial outside training and evaluation: starting the worker process and its runtime, loading the data,
    /// the few-shot probes of the final evaluation, and recording. A constant, not measured per run: the main job's
    /// trials recorded 2.7–2.8 s of start-up and 7.1–7.6 s of loading on a machine about 7× oversubscribed (so 1–2 s
    /// idle), plus about 2 s of few-shot probes.
    /// </summary>
    public const double DefaultTrialOverheadSeconds = 4.0;

    /// <summary>Seconds of the fits, figures and report after the trials: a constant, not measured per run.</summary>
    public const double DefaultReportSeconds = 10.0;

    /// <summary>The estimated wall time: the trials' makespan on <see cref="Workers"/> workers plus the fixed seconds.</summary>
    public double Seconds => Makespan(Trials.Select(t => t.Seconds), Workers) + FixedSeconds;

    /// <summary>Training seconds of all trials together (declared compute ÷ measured rates).</summary>
    public double TrainSeconds => Trials.Sum(t => t.TrainSeconds);

    /// <summary>When the last of <paramref name="durations"/> ends if each starts, in order, on the first free of <paramref name="workers"/> workers.</summary>
    public static double Makespan(IEnumerable<double> durations, int workers)
    {
        var free = new PriorityQueue<int, double>();
        for (int w = 0; w < Math.Max(1, workers); w++) free.Enqueue(w, 0);
        double end = 0;
        foreach (var duration in durations)
        {
            free.TryDequeue(out var worker, out var at);
            end = Math.Max(end, at + duration);
            free.Enqueue(worker, at + duration);
        }
        return end;
    }

    /// <summary>
    /// The estimate of <paramref name="ordered"/> (trials in the order the runner starts them, each with its resolved
    /// declaration and its shape's measured step): the longest run of each lineage trains every step, the others only
    /// their steps past the shared prefix; each evaluates its periodic points and the final one on
    /// <paramref name="testImages"/> images (null: the data set's whole test split). Trials in <paramref name="done"/>
    /// (succeeded in an earlier run of the sweep) cost nothing; a branch whose longest run is done still trains only its
    /// cooldown, from that run's checkpoint.
    /// </summary>
    public static SweepTimeEstimate Of(IReadOnlyList<(string Name, Experiment Experiment, StepRate Rate)> ordered, int workers, int? testImages,
        double fixedSeconds, double trialOverheadSeconds = DefaultTrialOverheadSeconds, IReadOnlySet<string>? done = null)
    {
        var longest = ordered.GroupBy(t => Lineage.KeyOf(t.Experiment)).ToDictionary(g => g.Key, g => g.Max(t => t.Experiment.Steps));
        var trials = ordered.Where(t => done is null || !done.Contains(t.Name)).Select(t =>
        {
            var e = t.Experiment;
            bool branch = e.Steps < longest[Lineage.KeyOf(e)];
            long start = branch ? Lineage.SharedSteps(e) : 0;
            var evaluations = e.Evaluations.PeriodicSteps(e.Steps).Count(s => s > start && s < e.Steps) + 1;
            var images = testImages ?? TestImagesOf(e.Data.Set);
            var forward = TrainingCompute.Of(e, imagesSeen: 1).Flops / 3; // training is three forward passes (FlopCount)
            return new TrialEstimate(t.Name, e.Steps - start, TrainingCompute.Of(e, imagesSeen: e.Data.Batch).Flops, t.Rate.Gflops,
                evaluations * images * forward, trialOverheadSeconds);
        }).ToList();
        return new SweepTimeEstimate(trials, workers, fixedSeconds);
    }

    // An IDX set's test split is not known before it is read: Fashion-MNIST's size, the common case.
    private static int TestImagesOf(DataSet set) => DataSet.KnownTestImages(set) ?? 10_000;
}
