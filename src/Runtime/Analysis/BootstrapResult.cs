namespace ViTDsl.Runtime.Analysis;

/// <summary>
/// A fit's uncertainty: the laws refitted to bootstrap resamples, and percentile intervals for each constant and for
/// the predicted error at any compute (the confidence band of the paper's Figure 2).
/// </summary>
/// <param name="Fit">The fit to the original points.</param>
/// <param name="Samples">Laws refitted to the resamples (those whose refit converged to a finite loss).</param>
/// <param name="Level">Nominal coverage of the intervals.</param>
internal sealed record BootstrapResult(LawFit Fit, IReadOnlyList<ScalingLaw> Samples, double Level) : IFitIntervals
{
    public string Method => "residual-bootstrap";

    /// <summary>Percentile interval of constant <paramref name="index"/> (0 = a, 1 = b, 2 = c, 3 = d).</summary>
    public Interval Parameter(int index) => Interval.Percentile(Samples.Select(s => s.Values[index]), Level);

    public Interval A => Parameter(0);
    public Interval B => Parameter(1);
    public Interval C => Parameter(2);
    public Interval D => Parameter(3);

    /// <summary>Percentile interval of the predicted error at <paramref name="compute"/>.</summary>
    public Interval PredictionAt(double compute) => Interval.Percentile(Samples.Select(s => s.Predict(compute)), Level);
}
