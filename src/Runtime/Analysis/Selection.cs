namespace ViTDsl.Runtime.Analysis;

/// <summary>One fitted form that a <see cref="Selection"/> predicts with.</summary>
internal sealed record SelectedLaw(LawForm Form, ScalingLaw Law);

/// <summary>
/// What the default <c>fit</c> predicts with (<see cref="FormSelection"/>): the form backtesting selects, guarded by
/// M4 (its authors' procedure) — at each x the higher of their predictions.
/// </summary>
/// <param name="Laws">The selected form first, then the guard (absent when the selected form is M4 or M4 was not fitted).</param>
internal sealed record Selection(IReadOnlyList<SelectedLaw> Laws)
{
    /// <summary>How the forms were chosen, in one phrase for the report.</summary>
    public string Rule { get; init; } = "";

    /// <summary>The form backtesting selects.</summary>
    public LawForm Main => Laws[0].Form;

    /// <summary>The prediction at <paramref name="compute"/>: the highest of the laws' predictions.</summary>
    public double Predict(double compute) => Laws.Max(l => l.Law.Predict(compute));

    /// <summary>
    /// Whether the selected form alone gives the prediction everywhere between <paramref name="fromCompute"/> and
    /// <paramref name="toCompute"/> (checked at 100 log-spaced points): then its confidence band is the prediction's.
    /// </summary>
    internal bool MainPredictsOver(double fromCompute, double toCompute)
    {
        double lo = Math.Log10(fromCompute), hi = Math.Log10(toCompute);
        return Enumerable.Range(0, 100).Select(i => Math.Pow(10, lo + (hi - lo) * i / 99))
            .All(x => Laws[0].Law.Predict(x) >= Predict(x));
    }

    /// <summary>"M4", or "the higher of Saturating and M4".</summary>
    public override string ToString() => Laws.Count == 1 ? Laws[0].Form.ToString()
        : $"the higher of {string.Join(" and ", Laws.Select(l => l.Form))}";
}
