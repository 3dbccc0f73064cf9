namespace ViTDsl.Runtime.Analysis;

/// <summary>One fitted form in what the default <c>fit</c> predicts with: its weight in the mean, and its intervals where the data identify it.</summary>
internal sealed record SelectedLaw(LawForm Form, ScalingLaw Law, double Weight = 1, IFitIntervals? Intervals = null);

/// <summary>
/// What the default <c>fit</c> predicts with (<see cref="FormSelection"/>): at each x the higher of M4's prediction and a
/// mean of the forms' log predictions weighted by their backtests; and the form backtesting selects, which the report
/// names and marks.
/// </summary>
/// <param name="Main">The form backtesting selects (the simplest whose backtest is within the tolerance of the best).</param>
/// <param name="Mean">The forms averaged, heaviest first; their weights sum to 1.</param>
/// <param name="Guard">M4 (its authors' procedure), whose prediction is taken where it is higher; null when M4 was not fitted.</param>
internal sealed record Selection(LawForm Main, IReadOnlyList<SelectedLaw> Mean, SelectedLaw? Guard = null)
{
    /// <summary>How the forms were chosen and combined, in one phrase for the report.</summary>
    public string Rule { get; init; } = "";

    /// <summary>The prediction at <paramref name="compute"/>: the higher of the weighted mean and the guard.</summary>
    public double Predict(double compute)
    {
        double mean = Math.Exp(Mean.Sum(l => l.Weight * Math.Log(l.Law.Predict(compute))));
        return Guard is null ? mean : Math.Max(mean, Guard.Law.Predict(compute));
    }

    /// <summary>
    /// A band for the prediction at <paramref name="compute"/>: the forms' interval bounds averaged with the weights in log
    /// space, then the higher of those and the guard's bounds. Both steps are monotone, so whenever every form's band holds
    /// its form's curve at once, this one holds the prediction; for forms whose errors move together it is the mean's own
    /// band, otherwise wider (the weights, chosen by the backtests, are taken as given). Measured by simulation it holds the
    /// truth 10× beyond the data at or above its nominal rate where it is drawn (docs/coverage.md, "The fit's prediction
    /// band"). Null when a form it needs has no interval (not identified).
    /// </summary>
    public Interval? BandAt(double compute)
    {
        if (Mean.Any(l => l.Intervals is null) || Guard is { Intervals: null }) return null;
        var bands = Mean.Select(l => (l.Weight, Band: l.Intervals!.PredictionAt(compute))).ToList();
        // A bound at or below zero makes the mean's lower bound zero (the log of 0 is −∞).
        double lower = Math.Exp(bands.Sum(b => b.Weight * Math.Log(Math.Max(0, b.Band.Lower))));
        double upper = Math.Exp(bands.Sum(b => b.Weight * Math.Log(b.Band.Upper)));
        if (Guard is { Intervals: { } g })
        {
            var guard = g.PredictionAt(compute);
            (lower, upper) = (Math.Max(lower, guard.Lower), Math.Max(upper, guard.Upper));
        }
        return new Interval(lower, upper, bands[0].Band.Level);
    }

    /// <summary>The forms whose missing intervals leave the prediction without a band.</summary>
    public IEnumerable<LawForm> Unbanded => Mean.Append(Guard).OfType<SelectedLaw>().Where(l => l.Intervals is null).Select(l => l.Form).Distinct();

    /// <summary>A legend's name, short enough to sit beside a plot: the one form, or how many the mean holds (the report lists them).</summary>
    public string ShortName => Mean.Count == 1 && (Guard is null || Mean[0].Form == LawForm.M4) ? Mean[0].Form.ToString()
        : $"mean of {Mean.Count} forms{(Guard is null ? "" : ", M4 guard")}";

    /// <summary>"PowerLaw", or "the higher of M4 and the backtest-weighted mean of Saturating 61%, M4 25%, …".</summary>
    public override string ToString()
    {
        string mean = Mean.Count == 1 ? Mean[0].Form.ToString()
            : "the backtest-weighted mean of " + string.Join(", ", Mean.Select(l => FormattableString.Invariant($"{l.Form} {100 * l.Weight:0}%")));
        return Guard is null || Mean is [{ Form: LawForm.M4 }] ? mean : $"the higher of M4 and {mean}";
    }
}
