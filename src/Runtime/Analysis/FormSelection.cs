namespace ViTDsl.Runtime.Analysis;

/// <summary>
/// What the default <c>fit</c> predicts with. First, model selection by backtesting (Alabdulmohsin et al. 2022): each form
/// is fitted without the highest-x points and scored by how well it predicts them (<see cref="Extrapolation.RmsLogError"/>);
/// the form the data support is the simplest one whose backtest error is within a tolerance of the best — a more flexible
/// form has to predict clearly better to be preferred, since on a handful of held-out points a small lead is noise.
/// Then the selected form is guarded by M4, fitted by its authors' procedure: the prediction at each x is the higher of
/// the two.
/// </summary>
/// <remarks>
/// Why the higher: a short backtest cannot tell a form that bends towards its floor later from one that bends sooner, and
/// the large misses of backtest selection are optimistic ones — on M4-shaped curves it selects a flexible form that
/// backtests within 1–3% and then predicts errors 20–40% too low further out (docs/learning-curves.md). Every form
/// decreases, so neither law predicts much above the error of the last point it fits: a too-high prediction misses by at
/// most the improvement still to come, a too-low one by any amount. M4 is the guard because it is the form that bends
/// towards a floor from the data's own sigmoid and the authors' recommended estimator; where the selected form is M4 it
/// is used alone.
/// </remarks>
internal static class FormSelection
{
    /// <summary>Default slack: a form must cut the held-out log error by more than this fraction to beat a simpler one.</summary>
    public const double DefaultTolerance = 0.2;

    /// <summary>The selection among <paramref name="laws"/> with a backtest, or null when none has one.</summary>
    public static Selection? Select(IReadOnlyList<LawAnalysis> laws, double tolerance = DefaultTolerance)
    {
        var scored = laws.Where(l => l.Extrapolation is not null && double.IsFinite(l.Extrapolation.RmsLogError)).ToList();
        if (scored.Count == 0) return null;
        double best = scored.Min(l => l.Extrapolation!.RmsLogError);
        var chosen = scored.Where(l => l.Extrapolation!.RmsLogError <= best * (1 + tolerance))
            .OrderBy(l => ScalingLaw.ParameterCountOf(l.Form)).ThenBy(l => l.Extrapolation!.RmsLogError).First();
        string selected = $"backtesting selects {chosen.Form}, the simplest form whose RMS log error on the held-out points is within {tolerance:P0} of the best form's";
        var guard = laws.FirstOrDefault(l => l.Form == LawForm.M4);
        if (chosen.Form == LawForm.M4 || guard is null)
            return new Selection([new SelectedLaw(chosen.Form, chosen.Fit.Law)]) { Rule = selected };
        return new Selection([new SelectedLaw(chosen.Form, chosen.Fit.Law), new SelectedLaw(LawForm.M4, guard.Fit.Law)])
        {
            Rule = selected + "; at each x the fit predicts the higher of its and M4's (authors' procedure) error, since a short backtest misses " +
                   "mostly by predicting too low (docs/learning-curves.md)",
        };
    }
}
