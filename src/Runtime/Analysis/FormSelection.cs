namespace ViTDsl.Runtime.Analysis;

/// <summary>
/// Model selection by backtesting (Alabdulmohsin et al. 2022): each form is fitted without the highest-x points and
/// scored by how well it predicts them (<see cref="Extrapolation.RmsLogError"/>). The form the data supports is the
/// simplest one whose backtest error is within a tolerance of the best — a more flexible form has to
/// predict clearly better to be preferred, since on a handful of held-out points a small lead is noise.
/// </summary>
internal static class FormSelection
{
    /// <summary>Default slack: a form must cut the held-out log error by more than this fraction to beat a simpler one.</summary>
    public const double DefaultTolerance = 0.2;

    /// <summary>The selected form among <paramref name="laws"/> with a backtest, or null when none has one.</summary>
    public static LawForm? Select(IReadOnlyList<LawAnalysis> laws, double tolerance = DefaultTolerance)
    {
        var scored = laws.Where(l => l.Extrapolation is not null && double.IsFinite(l.Extrapolation.RmsLogError)).ToList();
        if (scored.Count == 0) return null;
        double best = scored.Min(l => l.Extrapolation!.RmsLogError);
        return scored.Where(l => l.Extrapolation!.RmsLogError <= best * (1 + tolerance))
            .OrderBy(l => ScalingLaw.ParameterCountOf(l.Form)).ThenBy(l => l.Extrapolation!.RmsLogError).First().Form;
    }
}
