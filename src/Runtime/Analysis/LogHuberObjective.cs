namespace ViTDsl.Runtime.Analysis;

/// <summary>
/// The fitting objective of REFERENCE.md §8: the summed Huber loss of log-space residuals
/// r = log E_pred − log E_obs. Log residuals weigh a 1% miss the same at 50% error and at 5% error, and Huber's
/// linear tails keep one bad run from dragging the fit. Summed, not averaged, so tolerances do not shrink with n.
/// </summary>
/// <remarks>
/// Parameters are unconstrained so a quasi-Newton method can roam freely: θ = (ln a, b, ln c, ln d) for the
/// saturating law (fewer for the nested forms), with compute divided by a scale s (the geometric mean of the data's
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
