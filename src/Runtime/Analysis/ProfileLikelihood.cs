using MathNet.Numerics.Distributions;

namespace ViTDsl.Runtime.Analysis;

/// <summary>
/// A profile-likelihood interval of one constant: the values it can take while the other constants refit, and the
/// least squares of log error rises by no more than the level allows.
/// </summary>
/// <param name="Interval">The interval; a side reaching the constant's bound is open (<paramref name="LowerOpen"/>).</param>
/// <param name="LowerOpen">The profile never rose above the threshold below the estimate: the data do not bound the constant from below.</param>
/// <param name="UpperOpen">Likewise above.</param>
internal sealed record ProfileInterval(Interval Interval, bool LowerOpen, bool UpperOpen)
{
    /// <summary>"[0, 0.139] (one-sided: the data set no lower bound)" and the like.</summary>
    public override string ToString()
    {
        string bounds = $"[{G(Interval.Lower)}, {(UpperOpen ? "∞" : G(Interval.Upper))}]";
        return LowerOpen || UpperOpen ? $"{bounds} (one-sided: the data set no {(LowerOpen ? "lower" : "upper")} bound)" : bounds;
    }

    private static string G(double v) => v.ToString("G4", System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>
/// Profile-likelihood (profile-t) intervals (Bates and Watts, "Nonlinear Regression Analysis", 1988, §6.1): for a constant
/// fixed at v and the others refitted, the least squares of the residuals S(v) against its minimum S₀ gives
/// T(v) = (n − k)(S(v) − S₀)/S₀, and the interval is where T(v) ≤ t²(n − k) at the level. In a linear model this is exactly
/// the Student t interval; where the delta method fails — a constant near a bound, a loss flat on one side — it follows the
/// loss as it is, and says so when one side never closes.
/// </summary>
internal static class ProfileLikelihood
{
    /// <summary>The threshold on T: the squared two-sided Student t quantile with <paramref name="dof"/> degrees of freedom.</summary>
    public static double Threshold(int dof, double level) => Math.Pow(StudentT.InvCDF(0, 1, dof, 0.5 + level / 2), 2);

    /// <summary>
    /// Where <paramref name="statistic"/> (T as a function of the constant, in a coordinate where it is searched) crosses
    /// <paramref name="threshold"/> on each side of <paramref name="estimate"/> (T = 0 there), stepping outwards by
    /// <paramref name="step"/> until it crosses or reaches <paramref name="lowest"/> / <paramref name="highest"/>, then
    /// bisecting. A side that reaches its bound without crossing is open and returns that bound.
    /// </summary>
    public static (double Lower, double Upper, bool LowerOpen, bool UpperOpen) Bounds(Func<double, double> statistic, double estimate,
        double threshold, double step, double lowest, double highest)
    {
        var (lower, lowerOpen) = Side(statistic, estimate, threshold, -step, lowest);
        var (upper, upperOpen) = Side(statistic, estimate, threshold, step, highest);
        return (lower, upper, lowerOpen, upperOpen);
    }

    private static (double bound, bool open) Side(Func<double, double> statistic, double estimate, double threshold, double step, double limit)
    {
        double inside = estimate;
        for (double width = step; ; width *= 1.5)
        {
            double next = step < 0 ? Math.Max(inside + width, limit) : Math.Min(inside + width, limit);
            if (!(statistic(next) <= threshold))
                return (Bisect(statistic, inside, next, threshold), false);
            if (next == limit) return (limit, true);
            inside = next;
        }
    }

    /// <summary>The crossing between <paramref name="inside"/> (T ≤ threshold) and <paramref name="outside"/>, to 1e-10 of their distance.</summary>
    private static double Bisect(Func<double, double> statistic, double inside, double outside, double threshold)
    {
        for (int i = 0; i < 40; i++)
        {
            double mid = 0.5 * (inside + outside);
            if (statistic(mid) <= threshold) inside = mid; else outside = mid;
        }
        return 0.5 * (inside + outside);
    }

    /// <summary>
    /// The profile interval of the floor c of a power law with floor or a saturating law, from the least squares of log
    /// error (the fit's Huber loss with its threshold removed); null for forms without a floor fitted that way (the power
    /// law, M4 by its authors' procedure) or when no residual is left to measure the noise by (n ≤ k, or a fit through
    /// its points to rounding).
    /// </summary>
    public static ProfileInterval? Floor(IReadOnlyList<ScalingPoint> points, LawFit fit, double level = 0.95, FitOptions? options = null)
    {
        if (fit.Law.Form is not (LawForm.PowerLawWithFloor or LawForm.Saturating) || points.Count <= fit.Law.ParameterCount) return null;
        if (!(level > 0 && level < 1))
            throw new ArgumentException($"Interval level {level} must lie strictly between 0 and 1, e.g. 0.95.", nameof(level));
        return ScalingLawFitter.ProfileFloor(points, fit.Law, level, options ?? FitOptions.Default);
    }
}
