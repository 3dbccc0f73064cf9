namespace ViTDsl.Runtime.Analysis;

/// <summary>
/// The fitting objective of docs/reference.md §8: the summed Huber loss of log-space residuals
/// r = log E_pred − log E_obs. Log residuals weigh a 1% miss the same at 50% error and at 5% error, and Huber's
/// linear tails keep one bad run from dragging the fit. Summed, not averaged, so tolerances do not shrink with n.
/// </summary>
/// <remarks>
/// Parameters are unconstrained so a quasi-Newton method can roam freely: θ = (ln a, b, ln c, ln d) for the
/// saturating law (fewer for the nested forms; M4's are listed at <see cref="M4LogPredict"/>), with compute divided by a scale s (the geometric mean of the data's
/// compute) so that FLOPs (~1e18) and core-days (~1e-2) condition alike. log E_pred = logsumexp(ln a − b·ln(x + d), ln c)
/// stays finite for any θ.
/// </remarks>
internal sealed class LogHuberObjective
{
    private readonly double[] x;
    private readonly double[] logE;
    private readonly LawForm form;
    private readonly double delta;

    public LogHuberObjective(double[] scaledCompute, double[] logError, LawForm form, double delta)
    {
        x = scaledCompute;
        logE = logError;
        this.form = form;
        this.delta = delta;
    }

    public int Dimension => ScalingLaw.ParameterCountOf(form);

    /// <summary>log E_pred at one scaled compute and its partial derivatives with respect to θ (into <paramref name="grad"/>).</summary>
    public double LogPredict(ReadOnlySpan<double> theta, double xi, Span<double> grad)
    {
        if (form == LawForm.M4) return M4LogPredict(theta, xi, grad);
        double logA = theta[0], b = theta[1];
        double d = form == LawForm.Saturating ? Math.Exp(theta[3]) : 0;
        double shifted = xi + d;
        double l = Math.Log(shifted);
        double u = logA - b * l;
        if (form == LawForm.PowerLaw)
        {
            if (!grad.IsEmpty) { grad[0] = 1; grad[1] = -l; }
            return u;
        }
        double g = theta[2];
        double m = Math.Max(u, g);
        double eu = Math.Exp(u - m), eg = Math.Exp(g - m);
        double w1 = eu / (eu + eg);
        if (!grad.IsEmpty)
        {
            grad[0] = w1;
            grad[1] = -l * w1;
            grad[2] = 1 - w1;
            if (form == LawForm.Saturating) grad[3] = w1 * -b * d / shifted;
        }
        return m + Math.Log(eu + eg);
    }

    /// <summary>
    /// M4 with θ = (ln β, b, ln c, α, ln(e0 − c)). E solves G = ln(E − c) − α·ln(e0 − E) − ln β + b·ln x = 0, so by the
    /// implicit function theorem ∂E/∂p = −(∂G/∂p)/(∂G/∂E) with ∂G/∂E = 1/(E − c) + α/(e0 − E).
    /// </summary>
    private static double M4LogPredict(ReadOnlySpan<double> theta, double xi, Span<double> grad)
    {
        double logX = Math.Log(xi), c = Math.Exp(theta[2]), alpha = theta[3], span = Math.Exp(theta[4]), e0 = c + span;
        double e = M4Law.Solve(Math.Exp(theta[0] - theta[1] * logX), c, e0, alpha);
        if (!grad.IsEmpty)
        {
            double above = e - c, below = e0 - e;
            double dG = 1 / above + (alpha == 0 ? 0 : alpha / below);
            // ∂E/∂(each of ln β, b, c, α, e0), then chained to θ and divided by E for ∂ ln E.
            double dBeta = 1 / dG, dB = -logX / dG, dC = 1 / above / dG;
            // With α = 0 the law is the power law with floor, E may pass e0, and α's derivative there is taken as 0.
            double dAlpha = below > 0 ? Math.Log(below) / dG : 0, dE0 = alpha == 0 ? 0 : alpha / below / dG;
            grad[0] = dBeta / e;
            grad[1] = dB / e;
            grad[2] = c * (dC + dE0) / e;
            grad[3] = dAlpha / e;
            grad[4] = span * dE0 / e;
        }
        return Math.Log(e);
    }

    /// <summary>Huber loss summed over the points.</summary>
    public double Value(ReadOnlySpan<double> theta)
    {
        double sum = 0;
        for (int i = 0; i < x.Length; i++) sum += Huber(LogPredict(theta, x[i], default) - logE[i]);
        return double.IsFinite(sum) ? sum : double.MaxValue;
    }

    /// <summary>Gradient of <see cref="Value"/> (Huber is C¹, so this is exact, including at the kink).</summary>
    public double[] Gradient(ReadOnlySpan<double> theta)
    {
        var total = new double[Dimension];
        Span<double> j = stackalloc double[Dimension];
        for (int i = 0; i < x.Length; i++)
        {
            double r = LogPredict(theta, x[i], j) - logE[i];
            double psi = Math.Clamp(r, -delta, delta);
            for (int k = 0; k < total.Length; k++) total[k] += psi * j[k];
        }
        return total;
    }

    /// <summary>Log residuals at θ, in data order.</summary>
    public double[] Residuals(ReadOnlySpan<double> theta)
    {
        var r = new double[x.Length];
        for (int i = 0; i < x.Length; i++) r[i] = LogPredict(theta, x[i], default) - logE[i];
        return r;
    }

    private double Huber(double r)
    {
        double a = Math.Abs(r);
        return a <= delta ? 0.5 * r * r : delta * (a - 0.5 * delta);
    }
}
