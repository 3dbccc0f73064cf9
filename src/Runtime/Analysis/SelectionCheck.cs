namespace ViTDsl.Runtime.Analysis;

/// <summary>
/// The backtest error of the selection on points it was not selected on (a nested hold-out). The error that selects a
/// form is measured on the same held-out points that made it the winner, so it is optimistic: the minimum of several noisy
/// scores. Here the selection is repeated on the first n − H points alone (each form fitted without their last H and
/// scored on those), the selected forms are fitted to all n − H, and they predict the last H points, which played no part.
/// </summary>
/// <param name="Selected">What the inner backtest selects.</param>
/// <param name="InnerPoints">Points the inner selection saw.</param>
/// <param name="SelectionRmsLogError">The selected main form's RMS log error on the inner backtest: the optimistic number that chose it.</param>
/// <param name="HeldOut">The selection, fitted to the inner points, predicting the last H (its fit is the main form's).</param>
internal sealed record SelectionCheck(Selection Selected, int InnerPoints, double SelectionRmsLogError, Extrapolation HeldOut)
{
    /// <summary>Runs the nested hold-out, or null when the points cannot spare two hold-outs for any form.</summary>
    public static SelectionCheck? Of(IReadOnlyList<ScalingPoint> points, AnalysisOptions options)
    {
        int h = options.HoldOut, n = points.Count;
        if (h <= 0 || n - 2 * h < options.Forms.Min(ScalingLaw.ParameterCountOf)) return null;
        var ordered = points.OrderBy(p => p.Compute).ToList();
        var inner = ordered.Take(n - h).ToList();
        if (inner.Select(p => p.Compute).Distinct().Count() < 2) return null;
        var laws = ScalingAnalysis.FitForms(inner, options with { IntervalLevel = null, Bootstrap = null }, [], "inner");
        if (FormSelection.Select(laws, options.SelectionTolerance) is not { } selected) return null;
        var main = laws.First(l => l.Form == selected.Main);
        var held = ordered.Skip(n - h).Select(p => new HeldOutPoint(p, selected.Predict(p.Compute))).ToList();
        return new SelectionCheck(selected, inner.Count, main.Extrapolation!.RmsLogError, new Extrapolation(main.Fit, held));
    }
}
