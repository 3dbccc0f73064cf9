namespace ViTDsl.Runtime.Analysis;

/// <summary>
/// Evaluating M4 (Alabdulmohsin, Neyshabur and Zhai, NeurIPS 2022): (E − c)/(e0 − E)^α = f with f = a·x^−b. The error is
/// implicit, so it is found as the root of a monotone equation rather than by a formula.
/// </summary>
internal static class M4Law
{
    /// <summary>
    /// The error E with (E − <paramref name="floor"/>)/(<paramref name="e0"/> − E)^<paramref name="alpha"/> = <paramref name="f"/>.
    /// </summary>
    /// <remarks>
    /// With span = e0 − floor and E = floor + span·σ(u) (σ the logistic function, so e0 − E = span·σ(−u)), u solves
    /// φ(u) = ln σ(u) − α·ln σ(−u) + (1 − α)·ln span − ln f = 0. Its slope φ'(u) = σ(−u) + α·σ(u) lies between min(1, α)
    /// and max(1, α), so Newton's method converges in a few steps from any start, and σ keeps full precision at both
    /// ends (E near the floor far beyond the data, E near e0 far before it). Bisection guards each step.
    /// </remarks>
    public static double Solve(double f, double floor, double e0, double alpha)
    {
        if (alpha == 0) return floor + f;
        double span = e0 - floor;
        // α < 0 has no root or two; an optimiser probing outside the box gets NaN, which it reads as "not here".
        if (!(span > 0) || !(f >= 0) || !(alpha > 0) || double.IsInfinity(alpha)) return double.NaN;
        if (f == 0) return floor;
        if (double.IsPositiveInfinity(f)) return e0;
        double shift = (1 - alpha) * Math.Log(span) - Math.Log(f);
        double Phi(double u) => -Softplus(-u) + alpha * Softplus(u) + shift;
        // φ grows like u on the left and like α·u on the right: widen a bracket around the start until it holds the root.
        double u = -shift, lo = u - 1, hi = u + 1;
        for (int i = 0; i < 2000 && Phi(lo) > 0; i++) lo -= 2 * (hi - lo);
        for (int i = 0; i < 2000 && Phi(hi) < 0; i++) hi += 2 * (hi - lo);
        for (int i = 0; i < 100; i++)
        {
            double phi = Phi(u);
            if (Math.Abs(phi) <= 1e-14 * Math.Max(1, Math.Abs(u)) || hi - lo <= 1e-15 * Math.Max(1, Math.Abs(u))) break;
            if (phi > 0) hi = u; else lo = u;
            double next = u - phi / (Logistic(-u) + alpha * Logistic(u));
            u = next > lo && next < hi ? next : 0.5 * (lo + hi);
        }
        return floor + span * Logistic(u);
    }

    private static double Logistic(double u) => u >= 0 ? 1 / (1 + Math.Exp(-u)) : Math.Exp(u) / (1 + Math.Exp(u));

    /// <summary>ln(1 + e^z) without overflow.</summary>
    private static double Softplus(double z) => Math.Max(z, 0) + Math.Log(1 + Math.Exp(-Math.Abs(z)));
}
