using System.Diagnostics;

namespace ViTDsl.Runtime.Analysis;

/// <summary>One run placed on the compute axis of an analysis.</summary>
internal sealed record RunPoint(RunRecord Run, ScalingPoint Point);

/// <summary>One law form fitted to a frontier, with its uncertainty and extrapolation check.</summary>
/// <param name="Form">The law family.</param>
/// <param name="Fit">The fit to every frontier point.</param>
/// <param name="Intervals">
/// Confidence intervals (delta method, or residual bootstrap when requested); null when none were asked for, or when the
/// fit is not identified (<see cref="Identification"/>): then only its point estimate is reported.
/// </param>
/// <param name="Extrapolation">Fit on the cheaper frontier points, scored on the held-out most expensive ones; null when too few points.</param>
/// <param name="FitTime">Wall time of the fit (grid of starts) alone.</param>
/// <param name="TotalTime">Wall time including bootstrap and extrapolation.</param>
internal sealed record LawAnalysis(LawForm Form, LawFit Fit, IFitIntervals? Intervals, Extrapolation? Extrapolation, TimeSpan FitTime, TimeSpan TotalTime)
{
    /// <summary>Whether the points determine the constants (checked before any interval is computed).</summary>
    public Identification Identification { get; init; } = new([]);

    /// <summary>
    /// The floor's profile-likelihood interval (<see cref="ProfileLikelihood.Floor"/>), given where the fit is not
    /// identified and so has no delta-method interval; null otherwise, and for forms without a least-squares floor.
    /// </summary>
    public ProfileInterval? FloorProfile { get; init; }
}

/// <summary>Everything known about one metric's scaling: the runs, their frontier and each fitted law.</summary>
internal sealed record MetricAnalysis(RunMetric Metric, ComputeUnit ComputeUnit, IReadOnlyList<RunPoint> Runs,
    IReadOnlyList<ScalingPoint> Frontier, IReadOnlyList<LawAnalysis> Laws, IReadOnlyList<string> Notes)
{
    /// <summary>What the analysis predicts with (<see cref="FormSelection"/>); null when no form could be backtested.</summary>
    public Selection? Selection { get; init; }

    /// <summary>The selection's main form (the only one, or the one with the largest weight).</summary>
    public LawForm? Selected => Selection?.Main;

    /// <summary>The selected form's error on points it was not selected on (null when too few points for it).</summary>
    public SelectionCheck? SelectionCheck { get; init; }

    /// <summary>The selected law, else the most flexible one fitted.</summary>
    public LawAnalysis? Best => Laws.FirstOrDefault(l => l.Form == Selected) ?? Laws.LastOrDefault();
}

/// <summary>Laws fitted to a plain (x, error) table: every point as given, each form backtested, one selected.</summary>
internal sealed record PointsAnalysis(string Source, IReadOnlyList<ScalingPoint> Points, IReadOnlyList<LawAnalysis> Laws, IReadOnlyList<string> Notes)
{
    /// <summary>What the analysis predicts with (<see cref="FormSelection"/>); null when no form could be backtested.</summary>
    public Selection? Selection { get; init; }

    /// <summary>The selection's main form (the only one, or the one with the largest weight).</summary>
    public LawForm? Selected => Selection?.Main;

    /// <summary>The selected form's error on points it was not selected on (null when too few points for it).</summary>
    public SelectionCheck? SelectionCheck { get; init; }
}

/// <summary>
/// Runs → compute-vs-error points → Pareto frontier → fitted laws with intervals and extrapolation error.
/// </summary>
internal static class ScalingAnalysis
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
            double compute = options.ComputeUnit.Of(run.Compute);
            if (!(compute > 0) || !double.IsFinite(compute) || !(error > 0) || !double.IsFinite(error.Value))
            {
                notes.Add($"Run '{run.Name}' left out: compute {compute:G3} and {metric} {error:G3} must both be positive finite numbers.");
                continue;
            }
            placed.Add(new RunPoint(run, new ScalingPoint(compute, error.Value)));
        }
        var frontier = ParetoFrontier.Of(placed.Select(p => p.Point));
        var laws = FitForms(frontier, options, notes, "frontier");
        if (placed.Count == 0) notes.Add($"No run has a {metric}; the runs have: {string.Join(", ", MetricsIn(runs).Select(m => $"{m} (--metric {Option(m)})"))}.");
        return new MetricAnalysis(metric, options.ComputeUnit, placed, frontier, laws, notes)
        {
            Selection = FormSelection.Select(laws, options.SelectionTolerance),
            SelectionCheck = SelectionCheck.Of(frontier, options),
        };
    }

    /// <summary>
    /// Fits each of <paramref name="options"/>' forms to <paramref name="points"/> as given (no frontier is taken), with
    /// intervals and a backtest, noting in <paramref name="notes"/> what could not be done and why.
    /// </summary>
    public static List<LawAnalysis> FitForms(IReadOnlyList<ScalingPoint> points, AnalysisOptions options, List<string> notes, string what = "data")
    {
        var laws = new List<LawAnalysis>();
        foreach (var form in options.Forms)
        {
            int k = ScalingLaw.ParameterCountOf(form);
            if (points.Count < k || points.Select(p => p.Compute).Distinct().Count() < 2)
            {
                notes.Add($"{form} not fitted: the {what} has {points.Count} point(s), it needs at least {k}.");
                continue;
            }
            var total = Stopwatch.StartNew();
            var fit = ScalingLawFitter.Fit(points, form, options.Fit);
            var fitTime = total.Elapsed;
            if (!fit.Converged)
                notes.Add($"{form}: final gradient {fit.GradientNorm:G3} is above the tolerance {options.Fit.GradientTolerance:G3}; treat its constants with care.");
            var identification = Identifiability.Check(points, fit);
            if (!identification.Identified) notes.Add($"{form} {identification}. Its constants are point estimates only, without intervals.");
            IFitIntervals? intervals = !identification.Identified ? null
                : options.Bootstrap is { } b ? Bootstrap.Run(points, fit, b, options.Fit)
                : options.IntervalLevel is { } level ? DeltaMethod.Of(points, fit, level) : null;
            Extrapolation? extrapolation = null;
            if (options.HoldOut > 0 && points.Count - options.HoldOut >= k)
                extrapolation = Extrapolation.Check(points, form, options.HoldOut, options.Fit);
            else if (options.HoldOut > 0)
                notes.Add($"{form}: extrapolation not measured; holding out {options.HoldOut} of {points.Count} {what} points leaves fewer than {k}.");
            var floorProfile = !identification.Identified && options.IntervalLevel is { } profileLevel
                ? ProfileLikelihood.Floor(points, fit, profileLevel, options.Fit) : null;
            laws.Add(new LawAnalysis(form, fit, intervals, extrapolation, fitTime, total.Elapsed) { Identification = identification, FloorProfile = floorProfile });
        }
        return laws;
    }

    /// <summary>Fits any (x, error) table as given, e.g. one from <c>fit --points</c>: every point, no frontier.</summary>
    public static PointsAnalysis AnalysePoints(IReadOnlyList<ScalingPoint> points, string source, AnalysisOptions? options = null)
    {
        options ??= new AnalysisOptions();
        var notes = new List<string>();
        var laws = FitForms(points, options, notes, "table");
        return new PointsAnalysis(source, points, laws, notes)
        {
            Selection = FormSelection.Select(laws, options.SelectionTolerance),
            SelectionCheck = SelectionCheck.Of(points, options),
        };
    }

    /// <summary>How <c>--metric</c> names <paramref name="metric"/>.</summary>
    private static string Option(RunMetric metric) => metric.Name;

    /// <summary>
    /// The metrics present in <paramref name="runs"/>: test error, then each recorded shot count on the upstream data
    /// set, then on each transfer target.
    /// </summary>
    public static IReadOnlyList<RunMetric> MetricsIn(IReadOnlyList<RunRecord> runs) =>
        [new RunMetric.Test(), .. runs
            .SelectMany(r => r.FewShotError.Keys.Select(k => new RunMetric.FewShotError(k.Target == r.UpstreamDataSet ? null : k.Target, k.Shots)))
            .Distinct().OrderBy(m => m.Target is not null).ThenBy(m => m.Target, StringComparer.Ordinal).ThenBy(m => m.Shots)];
}
