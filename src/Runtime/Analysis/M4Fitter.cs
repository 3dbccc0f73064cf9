using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.Optimization;

namespace ViTDsl.Runtime.Analysis;

/// <summary>
/// Estimates M4, (E − E∞)/(E0 − E)^α = β·x^−c, by the paper's procedure (Alabdulmohsin, Neyshabur and Zhai, NeurIPS 2022,
/// §3): least squares in the transformed space, r = ln(E − E∞) − α·ln(E0 − E) − ln β + c·ln x, where for fixed
/// (E∞, E0) the residual is linear in (ln β, c, α) and solved exactly, and (E∞, E0) are searched in their box
/// 0 ≤ E∞ &lt; min E, E0 &gt; max E.
/// </summary>
/// <remarks>
/// The paper alternates least-squares steps with gradient or Newton steps on (E∞, E0); here the inner problem is solved
/// exactly (a convex quadratic with c ≥ 0 and α ≥ 0: the best feasible of its four active sets) and the outer
/// two-dimensional profile is minimised with Nelder–Mead from a grid of starts, which reaches the same optimum without
/// a learning rate to tune. The results are <see cref="ScalingLaw"/>s with a = β, b = c, c = E∞, alpha = α, e0 = E0.
/// For error rates (every error ≤ 1) E0 is searched up to 1, the authors' upper bound for classification errors
/// (up_bound = 1 in their image-classification benchmark): no error exceeds always being wrong.
/// These global minima are the starts of the log-error refit (<see cref="FitOptions.RefitM4"/>); ViTDsl's M4 estimate
/// is <see cref="Fit"/>, the authors' local procedure from their start, which extrapolated better. The transformed
/// residual ln(E − E∞) magnifies the noise of points near the floor, so on synthetic M4 data with log-normal noise the
/// refit of the log error extrapolates better still; on real learning curves the authors' estimate did (issue 23).
/// </remarks>
internal static class M4Fitter
{
    /// <summary>Keeps E∞ and E0 off the observed errors, as a fraction of their spread (the paper's 1e-3 on errors in [0, 1]).</summary>
    private const double Margin = 1e-3;

    /// <summary>E0 is searched up to this multiple of the largest error; beyond it (E0 − E)^α is constant and merges into β.</summary>
    private const double E0Cap = 10;

    /// <summary>ViTDsl's M4 estimate: its authors' procedure from their start (<see cref="M4Procedure"/>).</summary>
    public static LawFit Fit(IReadOnlyList<ScalingPoint> points) => M4Procedure.Fit(points);

    /// <summary>The residual the authors' least squares minimises, at one point.</summary>
    public static double TransformedResidual(ScalingLaw law, ScalingPoint q) =>
        Math.Log(q.Error - law.C) - law.Alpha * Math.Log(law.E0 - q.Error) - Math.Log(law.A) + law.B * Math.Log(q.Compute);

    /// <summary>
    /// ∂(transformed residual)/∂θ at each point, θ = (ln a, b, ln c, α, ln e0) in the order of <see cref="ScalingLaw.FreeIndices"/>
    /// (logs of the positive constants, as the delta method scales them).
    /// </summary>
    public static Matrix<double> ResidualJacobian(IReadOnlyList<ScalingPoint> points, ScalingLaw law)
    {
        var j = Matrix<double>.Build.Dense(points.Count, 5);
        for (int i = 0; i < points.Count; i++)
        {
            double e = points[i].Error;
            j[i, 0] = -1;
            j[i, 1] = Math.Log(points[i].Compute);
            j[i, 2] = -law.C / (e - law.C);
            j[i, 3] = -Math.Log(law.E0 - e);
            j[i, 4] = -law.Alpha * law.E0 / (law.E0 - e);
        }
        return j;
    }

    /// <summary>Global minima of the paper's transformed least squares from a grid of starts, best first.</summary>
    public static IReadOnlyList<ScalingLaw> PaperEstimates(IReadOnlyList<ScalingPoint> points, int maxIterations = 10_000)
    {
        var p = new Profile(points);
        return p.GridStarts().Select(s => p.Minimise(s, maxIterations)).Where(e => double.IsFinite(e.loss))
            .OrderBy(e => e.loss).Select(e => p.ToLaw(e.outer)).ToList();
    }

    /// <summary>The objective with (ln β, c, α) profiled out, over the outer coordinates (E∞, E0) mapped to ℝ².</summary>
    private sealed class Profile
    {
        private readonly double scale;
        private readonly double[] logX;
        private readonly double[] e;
        private readonly double floorHi;
        private readonly double e0Lo;
        private readonly double e0Hi;

        public Profile(IReadOnlyList<ScalingPoint> points)
        {
            scale = Math.Exp(points.Average(q => Math.Log(q.Compute)));
            logX = points.Select(q => Math.Log(q.Compute / scale)).ToArray();
            e = points.Select(q => q.Error).ToArray();
            double min = e.Min(), max = e.Max(), margin = Margin * Math.Max(max - min, 1e-3 * max);
            floorHi = min - margin;
            e0Lo = max + margin;
            e0Hi = max <= 1 ? Math.Max(1, max + 2 * margin) : E0Cap * max;
        }

        // u ↦ E∞ ∈ (0, floorHi) and v ↦ E0 ∈ (e0Lo, e0Hi) by logistic maps, so Nelder–Mead roams freely and never leaves the box.
        private (double floor, double e0) Unpack(double[] outer) =>
            (floorHi * Logistic(outer[0]), e0Lo + (e0Hi - e0Lo) * Logistic(outer[1]));

        private static double Logistic(double t) => 1 / (1 + Math.Exp(-t));
        private static double Logit(double p) => Math.Log(p / (1 - p));

        public List<double[]> GridStarts()
        {
            var starts = new List<double[]>();
            foreach (var f in new[] { 0.02, 0.3, 0.6, 0.9, 0.99 })
            foreach (var g in new[] { 1e-3, 0.01, 0.05, 0.2, 0.6 })
                starts.Add([Logit(f), Logit(g)]);
            // Nelder–Mead only from the few best grid points: the profile is cheap, the simplex runs are not.
            return starts.OrderBy(s => Solve(s).loss).Take(4).ToList();
        }

        public (double[] outer, double loss) Minimise(double[] start, int maxIterations)
        {
            try
            {
                var result = NelderMeadSimplex.Minimum(ObjectiveFunction.Value(v => Solve(v.ToArray()).loss),
                    Vector<double>.Build.DenseOfArray(start), 1e-14, maxIterations);
                var outer = result.MinimizingPoint.ToArray();
                return (outer, Solve(outer).loss);
            }
            catch (Exception ex) when (ex is MaximumIterationsException or EvaluationException or ArgumentException)
            {
                return (start, Solve(start).loss);
            }
        }

        /// <summary>The best (ln β, c, α) for the given (E∞, E0) and half the summed squared residual.</summary>
        public (double logBeta, double c, double alpha, double loss) Solve(double[] outer)
        {
            var (floor, e0) = Unpack(outer);
            int n = e.Length;
            var y = new double[n];
            var cols = new double[3][];
            cols[0] = new double[n]; cols[1] = new double[n]; cols[2] = new double[n];
            for (int i = 0; i < n; i++)
            {
                y[i] = Math.Log(e[i] - floor);
                cols[0][i] = 1;
                cols[1][i] = -logX[i];
                cols[2][i] = Math.Log(e0 - e[i]);
            }
            var best = (logBeta: double.NaN, c: double.NaN, alpha: double.NaN, loss: double.MaxValue);
            // c ≥ 0 and α ≥ 0: a convex quadratic's optimum is the best feasible solution over its active sets.
            foreach (var active in new[] { new[] { 0, 1, 2 }, [0, 1], [0, 2], [0] })
            {
                var coef = LeastSquares.Solve(active.Select(j => cols[j]).ToArray(), y);
                if (coef is null) continue;
                var full = new double[3];
                for (int k = 0; k < active.Length; k++) full[active[k]] = coef[k];
                if (full[1] < 0 || full[2] < 0) continue;
                double loss = 0;
                for (int i = 0; i < n; i++)
                {
                    double r = y[i] - full[0] - full[1] * cols[1][i] - full[2] * cols[2][i];
                    loss += 0.5 * r * r;
                }
                if (loss < best.loss) best = (full[0], full[1], full[2], loss);
            }
            return best;
        }

        public ScalingLaw ToLaw(double[] outer)
        {
            var (floor, e0) = Unpack(outer);
            var s = Solve(outer);
            // β·(x/s)^−c = β·s^c·x^−c: back to the caller's unit.
            return new ScalingLaw(LawForm.M4, Math.Exp(s.logBeta) * Math.Pow(scale, s.c), s.c, floor, 0, s.alpha, e0);
        }
    }
}
