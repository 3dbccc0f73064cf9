namespace ViTDsl.Runtime.Analysis;

/// <summary>One held-out point and what the law fitted without it predicts.</summary>
internal sealed record HeldOutPoint(ScalingPoint Point, double Predicted)
{
    /// <summary>|log(predicted/observed)|: symmetric relative miss.</summary>
    public double AbsLogError => Math.Abs(Math.Log(Predicted / Point.Error));

    /// <summary>(predicted − observed)/observed.</summary>
    public double RelativeError => (Predicted - Point.Error) / Point.Error;
}

/// <summary>
/// How well a law fitted on cheaper runs predicts the most expensive ones — the test that matters for a scaling law
/// (Alabdulmohsin et al. 2022), since in-sample fit rewards flexible forms that extrapolate badly.
/// </summary>
/// <param name="Fit">The law fitted on the points below the held-out compute.</param>
/// <param name="HeldOut">The highest-compute points, with predictions.</param>
internal sealed record Extrapolation(LawFit Fit, IReadOnlyList<HeldOutPoint> HeldOut)
{
    public double MeanAbsLogError => HeldOut.Average(h => h.AbsLogError);

    /// <summary>Root mean square of the log errors on the held-out points: the backtest score that selects a form.</summary>
    public double RmsLogError => Math.Sqrt(HeldOut.Average(h => h.AbsLogError * h.AbsLogError));
    public double MaxAbsRelativeError => HeldOut.Max(h => Math.Abs(h.RelativeError));

    /// <summary>
    /// Fits <paramref name="form"/> on all but the <paramref name="holdOut"/> highest-compute points and predicts those.
    /// </summary>
    public static Extrapolation Check(IReadOnlyList<ScalingPoint> points, LawForm form, int holdOut, FitOptions? options = null)
    {
        int k = ScalingLaw.ParameterCountOf(form);
        if (holdOut < 1)
            throw new ArgumentException($"Hold out at least one point to measure extrapolation (got {holdOut}).", nameof(holdOut));
        if (points.Count - holdOut < k)
            throw new ArgumentException(
                $"Holding out {holdOut} of {points.Count} points leaves {points.Count - holdOut}, fewer than the {k} parameters of {form}; hold out fewer or record more runs.",
                nameof(holdOut));
        var ordered = points.OrderBy(p => p.Compute).ToList();
        var train = ordered.Take(points.Count - holdOut).ToList();
        var fit = ScalingLawFitter.Fit(train, form, options);
        var held = ordered.Skip(points.Count - holdOut).Select(p => new HeldOutPoint(p, fit.Law.Predict(p.Compute))).ToList();
        return new Extrapolation(fit, held);
    }
}
