using System.Globalization;
using MathNet.Numerics.LinearAlgebra;

namespace ViTDsl.Runtime.Analysis;

/// <summary>Whether the data determine a fit's constants, and if not, why not.</summary>
/// <param name="Reasons">Empty when identified; otherwise one short sentence per problem found.</param>
internal sealed record Identification(IReadOnlyList<string> Reasons)
{
    public bool Identified => Reasons.Count == 0;

    /// <summary>"identified", or "not identified: reason; reason".</summary>
    public override string ToString() => Identified ? "identified" : "not identified: " + string.Join("; ", Reasons);
}

/// <summary>
/// Checks, before any interval is reported, that a fit's constants are determined by its points. A fit fails when it has
/// no more points than constants (it passes through them and leaves no noise to measure), when a constant sits on the
/// edge of the fitter's box or was never moved from its start (the loss is flat along it), when its floor lies within the
/// noise of the best observation and fewer than <see cref="PlateauPoints"/> points come that close (the floor is the best
/// run rather than a bend the data show), when a positive constant has no measurable effect, or when the Jacobian of the
/// fitted log errors is near-singular (a combination of constants the data do not pin down). Such a fit is reported with
/// its point estimate only: a delta-method interval there is zero-width or meaningless.
/// </summary>
internal static class Identifiability
{
    /// <summary>A floor closer than this many noise standard deviations to the best observed error is not told apart from it.</summary>
    public const double FloorNoiseMultiple = 2;

    /// <summary>
    /// Points within noise of a floor that measure it: a plateau of this many runs determines the floor by their average,
    /// while a floor that only the best run reaches is that run's error.
    /// </summary>
    public const int PlateauPoints = 3;

    /// <summary>Largest condition number of the scaled Jacobian whose constants count as determined.</summary>
    public const double MaxCondition = 1e6;

    public static Identification Check(IReadOnlyList<ScalingPoint> points, LawFit fit)
    {
        var law = fit.Law;
        int n = points.Count, k = law.ParameterCount;
        var reasons = new List<string>();
        if (n <= k)
            reasons.Add($"{n} points for {k} constants: the law passes through them and leaves no noise to measure");
        foreach (int i in fit.AtBound)
            reasons.Add($"{ScalingLaw.Names[i]} = {G(law.Values[i])} is at the edge of its search box");
        foreach (int i in fit.AtStart.Except(fit.AtBound))
            reasons.Add($"{ScalingLaw.Names[i]} = {G(law.Values[i])} never moved from its start: the loss is flat along it");
        if (law.Form != LawForm.PowerLaw && !fit.AtBound.Contains(2) && n > k)
        {
            double best = points.Min(p => p.Error), sigma = NoiseScale(fit.LogResiduals, k), near = Math.Exp(FloorNoiseMultiple * sigma);
            int onFloor = points.Count(p => p.Error <= law.C * near);
            if (law.C >= best / near && onFloor < PlateauPoints)
                reasons.Add($"the floor c = {G(law.C)} is within {FloorNoiseMultiple:0}σ (σ = {sigma:P1}) of the best observed error {G(best)} " +
                            $"and only {onFloor} point(s) lie that close to it: the floor is that run, not a bend the points show");
        }
        var j = Jacobian(points, law);
        var free = law.FreeIndices;
        for (int m = 0; m < free.Count; m++)
            if (IsPositive(free[m]) && !fit.AtBound.Contains(free[m]) && !(j.Column(m).AbsoluteMaximum() * Math.Log(2) >= NegligibleEffect))
                reasons.Add($"{ScalingLaw.Names[free[m]]} = {G(law.Values[free[m]])} has no measurable effect: doubling it moves no fitted error by {NegligibleEffect:P1}");
        if (reasons.Count == 0 && Condition(j) is var cond && !(cond <= MaxCondition))
            reasons.Add($"the Jacobian is near-singular (condition number {G(cond)}): a combination of constants is not determined");
        return new Identification(reasons);
    }

    /// <summary>A positive constant whose doubling moves no fitted error by this much (relative) is not determined by any realistic data.</summary>
    public const double NegligibleEffect = 1e-3;

    private static bool IsPositive(int index) => index is 0 or 2 or 3 or 5;

    /// <summary>Standard deviation of the log noise: √(Σr²/(n − k)).</summary>
    public static double NoiseScale(IReadOnlyList<double> logResiduals, int parameters) =>
        Math.Sqrt(logResiduals.Sum(r => r * r) / Math.Max(logResiduals.Count - parameters, 1));

    /// <summary>∂ ln E/∂θ at the points (θ: logs of the positive constants, b and α as they are), one column per free constant.</summary>
    public static Matrix<double> Jacobian(IReadOnlyList<ScalingPoint> points, ScalingLaw law)
    {
        var free = law.FreeIndices.ToArray();
        var j = Matrix<double>.Build.Dense(points.Count, free.Length);
        for (int r = 0; r < points.Count; r++)
        {
            var g = DeltaMethod.LogGradient(law, free, points[r].Compute);
            for (int m = 0; m < free.Length; m++) j[r, m] = g[m];
        }
        return j;
    }

    /// <summary>
    /// Condition number of the Jacobian with each column scaled to unit length, so that units do not count, only
    /// directions. Infinite when a column vanishes or is not finite.
    /// </summary>
    public static double Condition(Matrix<double> jacobian)
    {
        var j = jacobian.Clone();
        if (!j.Enumerate().All(double.IsFinite)) return double.PositiveInfinity;
        for (int m = 0; m < j.ColumnCount; m++)
        {
            double norm = j.Column(m).L2Norm();
            if (!(norm > 1e-12)) return double.PositiveInfinity;
            j.SetColumn(m, j.Column(m) / norm);
        }
        var s = j.Svd(computeVectors: false).S;
        return s[^1] > 0 ? s[0] / s[^1] : double.PositiveInfinity;
    }

    private static string G(double v) => v.ToString("G4", CultureInfo.InvariantCulture);
}
