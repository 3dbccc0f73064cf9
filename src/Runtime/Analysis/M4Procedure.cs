namespace ViTDsl.Runtime.Analysis;

/// <summary>
/// M4 estimated by its authors' procedure (Alabdulmohsin, Neyshabur and Zhai, NeurIPS 2022, §3, and their published
/// estimator for image classification): the floor E∞ starts just below the smallest error and E0 at 1 (the error of
/// always being wrong); rounds alternate a least squares for (ln β, c, α) on ln(E − E∞) = ln β − c·ln x + α·ln(1 − E),
/// with c ≥ 0 and α ≥ 0 and the α column fixed at that start, with steps on (E∞, E0) that lower the transformed squared
/// residual — small gradient steps for 100 rounds, then damped Newton steps — each projected back into
/// 0 ≤ E∞ ≤ min E − 10⁻³ and max E + 10⁻³ ≤ E0 ≤ 1 + 10⁻³, until β stops changing.
/// </summary>
/// <remarks>
/// It is a local search from that start, and the start matters: on synthetic M4 curves a global minimum of the same
/// objective (floor and E0 searched over their whole box, as <see cref="M4Fitter.PaperEstimates"/> does) extrapolated
/// with about twice this procedure's median error, landing on floors near zero. Errors above 1 (losses rather than error
/// rates) have no upper bound on E0, which then starts just above the largest error. Compute is divided by its geometric
/// mean for conditioning; the authors' ln β ≥ 0, which assumes x counts millions of examples, is not imposed (it is
/// inactive there, and would depend on the unit elsewhere).
/// </remarks>
internal static class M4Procedure
{
    private const double Margin = 1e-3;
    private const int GradientRounds = 100, MaxRounds = 10_000;

    public static LawFit Fit(IReadOnlyList<ScalingPoint> points)
    {
        var s = new State(points);
        bool converged = false;
        for (int round = 0; round < MaxRounds && !converged; round++)
        {
            double before = s.Beta;
            s.Regress();
            if (round < GradientRounds) s.GradientSteps(1000, 1e-8);
            else s.NewtonSteps(100, 0.1);
            converged = round > GradientRounds + 1 && Math.Abs(s.Beta - before) < 1e-10 * Math.Max(1, s.Beta);
        }
        s.Regress();
        var law = s.ToLaw();
        var residuals = points.Select(q => Math.Log(law.Predict(q.Compute)) - Math.Log(q.Error)).ToList();
        double gradient = s.ProjectedGradient();
        return new LawFit(law, s.Loss(), gradient, converged, 1, 1, points.Count, residuals)
        {
            HuberDelta = double.PositiveInfinity,
            AtBound = s.AtBound(),
            TransformedResiduals = points.Select(q => M4Fitter.TransformedResidual(law, q)).ToList(),
        };
    }

    private sealed class State
    {
        private readonly double scale;
        private readonly double[] logX, y, alphaColumn;
        private readonly double floorHi, e0Lo, e0Hi;
        private double floor, e0, logBeta, c, alpha;

        public State(IReadOnlyList<ScalingPoint> points)
        {
            scale = Math.Exp(points.Average(q => Math.Log(q.Compute)));
            logX = points.Select(q => Math.Log(q.Compute / scale)).ToArray();
            y = points.Select(q => q.Error).ToArray();
            double min = y.Min(), max = y.Max();
            floorHi = Math.Max(0, min - Margin);
            e0Lo = max + Margin;
            e0Hi = max <= 1 ? 1 + Margin : double.PositiveInfinity;
            floor = floorHi;
            e0 = Math.Clamp(1, e0Lo, e0Hi);
            double start = e0;
            alphaColumn = y.Select(v => Math.Log(start - v)).ToArray();
        }

        public double Beta => Math.Exp(logBeta);

        /// <summary>(ln β, c, α) by least squares with c, α ≥ 0: the best feasible solution over the active sets.</summary>
        public void Regress()
        {
            int n = y.Length;
            var target = y.Select(v => Math.Log(v - floor)).ToArray();
            double[][] cols = [Enumerable.Repeat(1.0, n).ToArray(), logX.Select(v => -v).ToArray(), alphaColumn];
            double best = double.MaxValue;
            foreach (var active in new[] { new[] { 0, 1, 2 }, [0, 1], [0, 2], [0] })
            {
                var coef = LeastSquares.Solve(active.Select(j => cols[j]).ToArray(), target);
                if (coef is null) continue;
                var full = new double[3];
                for (int k = 0; k < active.Length; k++) full[active[k]] = coef[k];
                if (full[1] < 0 || full[2] < 0) continue;
                double loss = 0;
                for (int i = 0; i < n; i++) loss += Math.Pow(target[i] - full[0] - full[1] * cols[1][i] - full[2] * cols[2][i], 2);
                if (loss < best) (best, logBeta, c, alpha) = (loss, full[0], full[1], full[2]);
            }
        }

        /// <summary>ln g − ln f at each point, with g = (E − E∞)/(E0 − E)^α and f = β·x^−c.</summary>
        private double Residual(int i) => Math.Log(y[i] - floor) - alpha * Math.Log(e0 - y[i]) - logBeta + c * logX[i];

        private (double floor, double e0) Gradient()
        {
            double gf = 0, ge = 0;
            for (int i = 0; i < y.Length; i++)
            {
                double r = Residual(i);
                gf -= r / (y[i] - floor);
                ge -= alpha * r / (e0 - y[i]);
            }
            return (gf / y.Length, ge / y.Length);
        }

        public void GradientSteps(int steps, double rate)
        {
            for (int k = 0; k < steps; k++)
            {
                var (gf, ge) = Gradient();
                Project(floor - rate * gf, e0 - rate * ge);
            }
        }

        public void NewtonSteps(int steps, double rate)
        {
            for (int k = 0; k < steps; k++)
            {
                var (gf, ge) = Gradient();
                double hf = 0, he = 0;
                for (int i = 0; i < y.Length; i++)
                {
                    double r = Residual(i);
                    hf += (1 - r) / Math.Pow(y[i] - floor, 2);
                    he += alpha * (alpha + r) / Math.Pow(e0 - y[i], 2);
                }
                hf /= y.Length;
                he /= y.Length;
                Project(Math.Abs(hf) > 1e-5 ? floor - rate * gf / hf : floor, Math.Abs(he) > 1e-5 ? e0 - rate * ge / he : e0);
            }
        }

        private void Project(double f, double e) => (floor, e0) = (Math.Clamp(f, 0, floorHi), Math.Clamp(e, e0Lo, e0Hi));

        /// <summary>Half the summed squared transformed residual.</summary>
        public double Loss() => 0.5 * Enumerable.Range(0, y.Length).Sum(i => Math.Pow(Residual(i), 2));

        /// <summary>The larger gradient component on (E∞, E0) that could still lower the loss (a push outward at a bound is the optimum's).</summary>
        public double ProjectedGradient()
        {
            var (gf, ge) = Gradient();
            bool floorStuck = (floor <= 0 && gf > 0) || (floor >= floorHi && gf < 0);
            bool e0Stuck = (e0 <= e0Lo && ge > 0) || (e0 >= e0Hi && ge < 0);
            return Math.Max(floorStuck ? 0 : Math.Abs(gf), e0Stuck ? 0 : Math.Abs(ge));
        }

        /// <summary>Constants (indices into <see cref="ScalingLaw.Values"/>) on the edge of their box; α = 0 leaves E0 undetermined too.</summary>
        public IReadOnlyList<int> AtBound()
        {
            var at = new List<int>();
            if (c <= 0) at.Add(1);
            if (floor <= 0 || floor >= floorHi) at.Add(2);
            if (alpha <= 0) at.Add(4);
            if (alpha <= 0 || e0 <= e0Lo || e0 >= e0Hi) at.Add(5);
            return at;
        }

        /// <summary>β·(x/s)^−c = β·s^c·x^−c: back to the caller's unit.</summary>
        public ScalingLaw ToLaw() => new(LawForm.M4, Math.Exp(logBeta) * Math.Pow(scale, c), c, floor, 0, alpha, e0);
    }
}
