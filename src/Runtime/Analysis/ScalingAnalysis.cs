using System.Diagnostics;

namespace ViTDsl.Runtime.Analysis;

/// <summary>One run placed on the compute axis of an analysis.</summary>
public sealed record RunPoint(RunRecord Run, ScalingPoint Point);

/// <summary>One law form fitted to a frontier, with its uncertainty and extrapolation check.</summary>
/// <param name="Form">The law family.</param>
/// <param name="Fit">The fit to every frontier point.</param>
/// <param name="Bootstrap">Bootstrap intervals, when requested.</param>
/// <param name="Extrapolation">Fit on the cheaper frontier points, scored on the held-out most expensive ones; null when too few points.</param>
/// <param name="FitTime">Wall time of the fit (grid of starts) alone.</param>
/// <param name="TotalTime">Wall time including bootstrap and extrapolation.</param>
public sealed record LawAnalysis(LawForm Form, LawFit Fit, BootstrapResult? Bootstrap, Extrapolation? Extrapolation, TimeSpan FitTime, TimeSpan TotalTime);

/// <summary>Everything known about one metric's scaling: the runs, their frontier and each fitted law.</summary>
public sealed record MetricAnalysis(RunMetric Metric, Accelerator ComputeUnit, IReadOnlyList<RunPoint> Runs,
    IReadOnlyList<ScalingPoint> Frontier, IReadOnlyList<LawAnalysis> Laws, IReadOnlyList<string> Notes)
{
    /// <summary>The most flexible law that could be fitted (the saturating law when there were enough points).</summary>
    public LawAnalysis? Best => Laws.LastOrDefault();
}

/// <summary>
/// Runs → compute-vs-error points → Pareto frontier → fitted laws with intervals and extrapolation error.
/// </summary>
public static class ScalingAnalysis
{
    public static MetricAnalysis Analyse(IReadOnlyList<RunRecord> runs, RunMetric metric, AnalysisOptions? options = null)
    {
        options ??= new AnalysisOptions();
        var notes = new List<string>();
        var placed = new List<RunPoint>();
        foreach (var run in runs)
        {
            var error = metric.Of(run);
            if (error is null) continue;
            double compute = run.Compute.DeviceDays(options.ComputeUnit);
            if (!(compute > 0) || !double.IsFinite(compute) || !(error > 0) || !double.IsFinite(error.Value))
            {
                notes.Add($"Run '{run.Name}' left out: compute {compute:G3} and {metric} {error:G3} must both be positive finite numbers.");
                continue;
            }
            placed.Add(new RunPoint(run, new ScalingPoint(compute, error.Value)));
        }
        var frontier = ParetoFrontier.Of(placed.Select(p => p.Point));
        var laws = new List<LawAnalysis>();
        foreach (var form in options.Forms)
        {
            int k = ScalingLaw.ParameterCountOf(form);
            if (frontier.Count < k || frontier.Select(p => p.Compute).Distinct().Count() < 2)
            {
                notes.Add($"{form} not fitted: the frontier has {frontier.Count} point(s), it needs at least {k}.");
                continue;
            }
            var total = Stopwatch.StartNew();
            var fit = ScalingLawFitter.Fit(frontier, form, options.Fit);
            var fitTime = total.Elapsed;
            if (!fit.Converged)
                notes.Add($"{form}: final gradient {fit.GradientNorm:G3} is above the tolerance {options.Fit.GradientTolerance:G3}; treat its constants with care.");
            var bootstrap = options.Bootstrap is { } b ? Bootstrap.Run(frontier, fit, b, options.Fit) : null;
            Extrapolation? extrapolation = null;
            if (options.HoldOut > 0 && frontier.Count - options.HoldOut >= k)
                extrapolation = Extrapolation.Check(frontier, form, options.HoldOut, options.Fit);
            else if (options.HoldOut > 0)
                notes.Add($"{form}: extrapolation not measured; holding out {options.HoldOut} of {frontier.Count} frontier points leaves fewer than {k}.");
            laws.Add(new LawAnalysis(form, fit, bootstrap, extrapolation, fitTime, total.Elapsed));
        }
        if (placed.Count == 0) notes.Add($"No run has a {metric}.");
        return new MetricAnalysis(metric, options.ComputeUnit, placed, frontier, laws, notes);
    }

    /// <summary>The metrics present in <paramref name="runs"/>: test error, then each recorded shot count.</summary>
    public static IReadOnlyList<RunMetric> MetricsIn(IReadOnlyList<RunRecord> runs) =>
        [new RunMetric.Test(), .. runs.SelectMany(r => r.FewShotError.Keys).Distinct().Order().Select(k => new RunMetric.FewShot(k))];
}
