namespace ViTDsl.Runtime.Analysis;

/// <summary>Each law form fitted to one learning curve, backtested on its last evaluations, one form selected.</summary>
internal sealed record CurveAnalysis(LearningCurve Curve, CurveAxis Axis, IReadOnlyList<ScalingPoint> Points, IReadOnlyList<LawAnalysis> Laws,
    IReadOnlyList<string> Notes)
{
    /// <summary>What the analysis predicts with (<see cref="FormSelection"/>); null when no form could be backtested.</summary>
    public Selection? Selection { get; init; }

    /// <summary>The selection's main form (the only one, or the one with the largest weight).</summary>
    public LawForm? Selected => Selection?.Main;

    /// <summary>The selected form's error on evaluations it was not selected on (null when too few evaluations for it).</summary>
    public SelectionCheck? SelectionCheck { get; init; }

    /// <summary>The selected law, else the most flexible one fitted.</summary>
    public LawAnalysis? Best => Laws.FirstOrDefault(l => l.Form == Selected) ?? Laws.LastOrDefault();

    /// <summary>
    /// What the intervals of a learning curve mean. Its points come from one training run, so they share that run's
    /// weights and data order: the delta method's intervals treat the evaluations' scatter around the law as independent
    /// noise and are conditional on the run — they do not include how another seed would have trained, and their
    /// coverage was checked by simulation only for independent points (frontiers, tables), not for curves.
    /// </summary>
    public const string IntervalCaveat =
        "Intervals of a learning curve are conditional on its run: they treat the scatter of its evaluations around the law as " +
        "independent noise and leave out seed-to-seed variation (evaluations of one run are correlated); their coverage was " +
        "checked by simulation for independent points only. For intervals over runs, train several seeds and fit each.";
}

/// <summary>Fits learning curves: error versus images seen (or steps, or compute) per model.</summary>
internal static class LearningCurves
{
    public static IReadOnlyList<CurveAnalysis> Analyse(IReadOnlyList<LearningCurve> curves, CurveAxis axis, AnalysisOptions? options = null)
    {
        options ??= new AnalysisOptions();
        return curves.Select(curve =>
        {
            var notes = new List<string>();
            var points = curve.On(axis, options.ComputeUnit);
            var laws = ScalingAnalysis.FitForms(points, options, notes, "curve");
            return new CurveAnalysis(curve, axis, points, laws, notes)
            {
                Selection = FormSelection.Select(laws, options.SelectionTolerance),
                SelectionCheck = SelectionCheck.Of(points, options),
            };
        }).ToList();
    }

    /// <summary>The axis label for figures and tables.</summary>
    public static string AxisLabel(CurveAxis axis, ComputeUnit unit) => axis switch
    {
        CurveAxis.Images => "Images seen",
        CurveAxis.Steps => "Steps",
        _ => unit.AxisLabel,
    };
}
