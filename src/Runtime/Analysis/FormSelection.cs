namespace ViTDsl.Runtime.Analysis;

/// <summary>
/// What the default <c>fit</c> predicts with. Each form is backtested (Alabdulmohsin et al. 2022): fitted without the
/// highest-x points and scored by how well it predicts them (<see cref="Extrapolation.RmsLogError"/>). The prediction at
/// each x is the higher of M4's (fitted by its authors' procedure) and the mean of every backtested form's log
/// prediction, weighted by the inverse of its mean squared backtest log error. The form the data support — the simplest
/// whose backtest error is within a tolerance of the best, since on a handful of held-out points a small lead is noise —
/// is named as the selected one.
/// </summary>
/// <remarks>
/// Why this rule (docs/learning-curves.md, "Default prediction"): it was chosen by a protocol written before its data, on
/// the 48 non-ViT curves of Alabdulmohsin et al.'s vision benchmark and a simulation, and then scored once on the 24 ViT
/// curves. Why M4 guards: a short backtest cannot tell a form that bends towards its floor later from one that bends
/// sooner, and the large misses of backtesting are optimistic ones — on M4-shaped curves a flexible form backtests within
/// 1–3% and then predicts errors 20–40% too low further out. Why a weighted mean rather than the selected form alone: on
/// real curves no form is right everywhere, and the mean's misses are smaller than any one form's where backtests are
/// close.
/// </remarks>
internal static class FormSelection
{
    /// <summary>Default slack: a form must cut the held-out log error by more than this fraction to be named over a simpler one.</summary>
    public const double DefaultTolerance = 0.2;

    /// <summary>The smallest backtest error a weight is computed from, so that a perfect backtest does not divide by zero.</summary>
    private const double SmallestBacktestError = 1e-6;

    /// <summary>The selection among <paramref name="laws"/> with a backtest, or null when none has one.</summary>
    public static Selection? Select(IReadOnlyList<LawAnalysis> laws, double tolerance = DefaultTolerance)
    {
        var scored = laws.Where(l => l.Extrapolation is not null && double.IsFinite(l.Extrapolation.RmsLogError)).ToList();
        if (scored.Count == 0) return null;
        double best = scored.Min(l => l.Extrapolation!.RmsLogError);
        var chosen = scored.Where(l => l.Extrapolation!.RmsLogError <= best * (1 + tolerance))
            .OrderBy(l => ScalingLaw.ParameterCountOf(l.Form)).ThenBy(l => l.Extrapolation!.RmsLogError).First();
        var inverse = scored.ToDictionary(l => l.Form, l => 1 / Math.Pow(Math.Max(l.Extrapolation!.RmsLogError, SmallestBacktestError), 2));
        double total = inverse.Values.Sum();
        var mean = scored.Select(l => new SelectedLaw(l.Form, l.Fit.Law, inverse[l.Form] / total, l.Intervals))
            .OrderByDescending(l => l.Weight).ToList();
        var m4 = laws.FirstOrDefault(l => l.Form == LawForm.M4);
        var guard = m4 is null ? null : new SelectedLaw(LawForm.M4, m4.Fit.Law, 1, m4.Intervals);
        return new Selection(chosen.Form, mean, guard)
        {
            Rule = $"backtesting selects {chosen.Form}, the simplest form whose RMS log error on the held-out points is within {tolerance:P0} of the best form's; " +
                   "the fit predicts the mean of every form's log prediction weighted by the inverse of its mean squared backtest error" +
                   (guard is null ? "" : ", or M4's (authors' procedure) where that is higher, since a short backtest misses mostly by predicting too low") +
                   " (docs/learning-curves.md, \"Default prediction\")",
        };
    }
}
