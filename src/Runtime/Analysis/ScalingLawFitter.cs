using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.Optimization;

namespace ViTDsl.Runtime.Analysis;

/// <summary>
/// Fits E = a(C + d)^−b + c (or a nested form) to (compute, error) points by minimising the summed Huber loss of log
/// residuals from a grid of starts with MathNet's BFGS, polishing with Nelder–Mead where a line search fails, and
/// checking the final gradient. M4 is fitted by its own paper's procedure (<see cref="M4Fitter"/>).
/// </summary>
internal static partial class ScalingLawFitter
{
    /// <summary>Fits <paramref name="form"/> to <paramref name="points"/> (usually a <see cref="ParetoFrontier"/>).</summary>
    /// <exception cref="ArgumentException">Too few points, or a compute or error that is not a positive finite number.</exception>
    public static LawFit Fit(IReadOnlyList<ScalingPoint> points, LawForm form, FitOptions? options = null)
    {
        options ??= FitOptions.Default;
        Validate(points, form);
        // M4 is its authors' estimator, ended where their procedure ends: a refit of the log error from there made its
        // extrapolation worse on real ViT learning curves (issue 23: 0.0360 against their 0.0284 RMS log error).
        if (form == LawForm.M4 && !options.RefitM4) return M4Fitter.Fit(points);
        var problem = Problem.Of(points, form, options);
        var fit = problem.Solve(problem.GridStarts());
        if (!options.NoiseScaledDelta) return fit;
        // Refit with δ matched to the noise: from the first optimum, which the wider quadratic zone barely moves.
        double delta = NoiseScaledDelta(fit.LogResiduals, fit.Law.ParameterCount, options.HuberDelta);
        if (delta <= options.HuberDelta) return fit;
        var matched = Problem.Of(points, form, options with { HuberDelta = delta });
        return matched.Solve([matched.ToTheta(fit.Law)]);
    }

    /// <summary>
    /// Huber's threshold for residuals of scale σ: 2σ, which keeps about 99% of least squares' efficiency on Gaussian
    /// noise while a wild point still pulls only linearly (Huber 1964). The textbook 1.345σ (95%) left the delta-method
    /// intervals of the exponent 1–2 points short of their coverage. σ is estimated robustly as 1.4826 × the median
    /// absolute residual, leaving out the k smallest: a fit with δ far below the noise passes through k of the points.
    /// Never below <paramref name="floor"/>, so noiseless curves keep the tight threshold.
    /// </summary>
    public static double NoiseScaledDelta(IReadOnlyList<double> logResiduals, int parameters, double floor)
    {
        var sorted = logResiduals.Select(Math.Abs).Order().Skip(parameters).ToArray();
        if (sorted.Length == 0) return floor;
        double median = sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : 0.5 * (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]);
        return Math.Max(floor, 2.0 * 1.4826 * median);
    }

    /// <summary>Refits from given starts only, with δ as given (the bootstrap's fast path: it starts from the original optimum).</summary>
    internal static LawFit FitFrom(IReadOnlyList<ScalingPoint> points, LawForm form, FitOptions options, IEnumerable<ScalingLaw> starts)
    {
        if (form == LawForm.M4 && !options.RefitM4) return M4Fitter.Fit(points);
        var problem = Problem.Of(points, form, options);
        return problem.Solve(starts.Select(problem.ToTheta).ToList());
    }

    /// <summary>Refuses input no law can be fitted to, saying what is wrong and how to fix it.</summary>
    public static void Validate(IReadOnlyList<ScalingPoint> points, LawForm form)
    {
        ArgumentNullException.ThrowIfNull(points);
        int k = ScalingLaw.ParameterCountOf(form);
        for (int i = 0; i < points.Count; i++)
        {
            var p = points[i];
            if (!double.IsFinite(p.Compute) || p.Compute <= 0)
                throw new ArgumentException(
                    $"Point {i} has compute {p.Compute}: compute must be a positive finite number (FLOPs or device-days). Drop runs without recorded compute.",
                    nameof(points));
            if (!double.IsFinite(p.Error) || p.Error <= 0)
                throw new ArgumentException(
                    $"Point {i} has error {p.Error}: error must be a positive finite number (a log-space fit cannot use 0 or NaN). Drop unfinished or perfect runs.",
                    nameof(points));
        }
        if (points.Count < k)
            throw new ArgumentException(
                $"{form} has {k} parameters but only {points.Count} point(s) were given; fit at least {k} points (more for honest intervals) or choose a simpler form.",
                nameof(points));
        if (points.Select(p => p.Compute).Distinct().Count() < 2)
            throw new ArgumentException(
                "All points have the same compute, so no exponent can be fitted; record runs at two or more compute budgets.",
                nameof(points));
    }

    /// <summary>One fitting problem: the data in the internal scale and the objective over θ.</summary>
    private sealed partial class Problem
    {
        private readonly LogHuberObjective objective;
        private readonly IReadOnlyList<ScalingPoint> points;
        private readonly LawForm form;
        private readonly FitOptions options;
        private readonly double scale;
        private readonly double[] x;
        private readonly double[] lower;
        private readonly double[] upper;

        private Problem(IReadOnlyList<ScalingPoint> points, LawForm form, FitOptions options)
        {
            this.points = points;
            this.form = form;
            this.options = options;
            scale = Math.Exp(points.Average(p => Math.Log(p.Compute)));
            x = points.Select(p => p.Compute / scale).ToArray();
            objective = new LogHuberObjective(x, points.Select(p => Math.Log(p.Error)).ToArray(), form, options.HuberDelta);
            // A box keeps an optimum "at infinity" finite: c below 1e-8 of the smallest error is no floor at all, and
            // d below 1e-8 of the smallest compute no shift, so the optimiser stops there instead of drifting for ever.
            double eMin = points.Min(p => p.Error), eMax = points.Max(p => p.Error), xMin = x.Min(), xMax = x.Max();
            // M4's last two are α and ln(e0 − c); e0 is capped at 10× the largest error, beyond which (e0 − E)^α is
            // constant and merges into β.
            double[] lo = form == LawForm.M4 ? [-700, -20, Math.Log(1e-8 * eMin), 0, Math.Log(1e-6 * eMax)]
                : [-700, -20, Math.Log(1e-8 * eMin), Math.Log(1e-8 * xMin)];
            double[] hi = form == LawForm.M4 ? [700, 20, Math.Log(10 * eMax), 20, Math.Log(10 * eMax)]
                : [700, 20, Math.Log(10 * eMax), Math.Log(1e8 * xMax)];
            int k = ScalingLaw.ParameterCountOf(form);
            lower = lo[..k];
            upper = hi[..k];
        }

        public static Problem Of(IReadOnlyList<ScalingPoint> points, LawForm form, FitOptions options) => new(points, form, options);

        public List<double[]> GridStarts()
        {
            if (form == LawForm.M4) return M4Starts();
            var starts = new List<double[]>();
            double eMin = points.Min(p => p.Error), xMin = x.Min();
            var sorted = points.Select((p, i) => (x: x[i], e: p.Error)).OrderBy(t => t.x).ToList();
            var mid = sorted[sorted.Count / 2];
            IEnumerable<double> floors = form == LawForm.PowerLaw ? [0.0] : options.StartFloorFractions.Select(f => f * eMin);
            IEnumerable<double> shifts = form == LawForm.Saturating ? options.StartShiftMultiples.Select(m => m * xMin) : [0.0];
            foreach (var b in options.StartExponents)
            foreach (var c in floors)
            foreach (var d in shifts)
            {
                // Choose a so the start passes through the middle point: the other constants then only bend the curve.
                double above = mid.e > c ? mid.e - c : mid.e;
                double a = above * Math.Pow(mid.x + d, b);
                starts.Add(Theta(a, b, c, d));
            }
            return starts;
        }

        /// <summary>
        /// M4 starts where its own paper's procedure ends (least squares in its transformed space), and — since that
        /// procedure magnifies the noise of points near the floor and sometimes ends far off — from a few sigmoids
        /// through the middle point with floors and steepnesses across the plausible range.
        /// </summary>
        private List<double[]> M4Starts()
        {
            var starts = M4Fitter.PaperEstimates(points).Take(2).Select(ToTheta).ToList();
            double eMin = points.Min(p => p.Error), eMax = points.Max(p => p.Error), e0 = 1.2 * eMax;
            var mid = points.Select((p, i) => (x: x[i], e: p.Error)).OrderBy(t => t.x).ElementAt(points.Count / 2);
            foreach (var floor in new[] { 0.5 * eMin, 0.9 * eMin })
            foreach (var alpha in new[] { 0.5, 2.0 })
            {
                const double b = 0.5;
                double beta = (mid.e - floor) / Math.Pow(e0 - mid.e, alpha) * Math.Pow(mid.x, b);
                starts.Add([Math.Log(beta), b, Math.Log(floor), alpha, Math.Log(e0 - floor)]);
            }
            return starts;
        }

        public double[] ToTheta(ScalingLaw law) => form == LawForm.M4
            ? [Math.Log(law.A * Math.Pow(scale, -law.B)), law.B, Math.Log(Math.Max(law.C, 1e-300)), law.Alpha, Math.Log(Math.Max(law.E0 - law.C, 1e-300))]
            : Theta(law.A * Math.Pow(scale, -law.B), law.B, Math.Max(law.C, 1e-300), Math.Max(law.D / scale, 1e-300));

        private double[] Theta(double a, double b, double c, double d) => form switch
        {
            LawForm.PowerLaw => [Math.Log(a), b],
            LawForm.PowerLawWithFloor => [Math.Log(a), b, Math.Log(c)],
            _ => [Math.Log(a), b, Math.Log(c), Math.Log(d)],
        };

        private ScalingLaw ToLaw(double[] t)
        {
            if (form == LawForm.M4)
                return new ScalingLaw(form, Math.Exp(t[0]) * Math.Pow(scale, t[1]), t[1], Math.Exp(t[2]), 0, t[3], Math.Exp(t[2]) + Math.Exp(t[4]));
            double a = Math.Exp(t[0]), b = t[1];
            double c = form == LawForm.PowerLaw ? 0 : Math.Exp(t[2]);
            double d = form == LawForm.Saturating ? Math.Exp(t[3]) : 0;
            // Back to the caller's unit: a·(x + d')^−b with x = C/s equals a·s^b·(C + d'·s)^−b.
            return new ScalingLaw(form, a * Math.Pow(scale, b), b, c, d * scale);
        }

        public LawFit Solve(IReadOnlyList<double[]> starts)
        {
            var ends = starts.Select(s => Minimise(s)).Where(e => double.IsFinite(e.loss)).ToList();
            if (ends.Count == 0)
                throw new InvalidOperationException($"Every start of the {form} fit diverged; the points may not follow a decreasing law.");
            var best = ends.MinBy(e => e.loss);
            int reaching = ends.Count(e => e.loss <= best.loss + 1e-6 * Math.Max(Math.Abs(best.loss), 1e-12));
            double gradNorm = GradNorm(best.theta);
            var law = ToLaw(best.theta);
            var free = law.FreeIndices;
            return new LawFit(law, best.loss, gradNorm, gradNorm <= options.GradientTolerance,
                starts.Count, reaching, points.Count, objective.Residuals(best.theta))
            {
                HuberDelta = options.HuberDelta,
                AtBound = Enumerable.Range(0, best.theta.Length).Where(i => AtEdge(best.theta, i)).Select(i => free[i]).ToList(),
                AtStart = Enumerable.Range(0, best.theta.Length).Where(i => Math.Abs(best.theta[i] - best.start[i]) <= 1e-9 * Math.Max(1, Math.Abs(best.start[i])))
                    .Select(i => free[i]).ToList(),
            };
        }

        private bool AtEdge(double[] theta, int i)
        {
            double slack = 1e-6 * (upper[i] - lower[i]);
            return theta[i] <= lower[i] + slack || theta[i] >= upper[i] - slack;
        }

        private (double[] theta, double loss, double[] start) Minimise(double[] start)
        {
            var function = ObjectiveFunction.Gradient(
                v => objective.Value(v.AsArray() ?? v.ToArray()),
                v => Vector<double>.Build.Dense(objective.Gradient(v.AsArray() ?? v.ToArray())));
            var theta = start;
            double loss = objective.Value(theta);
            // A few rounds: BFGS, and if its line search gives up or the gradient is still too large, Nelder–Mead
            // (derivative-free, so it walks along Huber's kinks) followed by BFGS again from where it got to. Rounds
            // stop once they no longer lower the loss: an optimum at infinity (c → 0, d → 0) keeps a small gradient.
            for (int round = 0; round < 4; round++)
            {
                // Plain BFGS is fast; the bounded variant (several times slower in MathNet) only takes over when the
                // optimum sits on the box, where plain BFGS would drift or stop outside.
                var free = Bfgs(function, theta);
                theta = free is not null && InBox(free) ? free
                    : BoundedBfgs(function, Clamp(free ?? theta)) ?? NelderMead(function, theta) ?? theta;
                if (GradNorm(theta) <= options.GradientTolerance) break;
                theta = NelderMead(function, theta) ?? theta;
                double next = objective.Value(theta);
                if (!(next < loss - 1e-12 * Math.Abs(loss))) break;
                loss = next;
            }
            return (theta, objective.Value(theta), start);
        }

        private double[]? Bfgs(IObjectiveFunction function, double[] start)
        {
            try
            {
                // Well-posed fits converge in a few hundred iterations; more means a drift towards the box.
                var result = new BfgsMinimizer(options.GradientTolerance, 1e-14, 1e-15, Math.Min(1000, options.MaxIterations))
                    .FindMinimum(function, Vector<double>.Build.DenseOfArray(start));
                var t = result.MinimizingPoint.ToArray();
                return t.All(double.IsFinite) ? t : null;
            }
            catch (Exception e) when (e is MaximumIterationsException or InnerOptimizationException or EvaluationException or ArgumentException)
            {
                return null;
            }
        }

        private double[]? BoundedBfgs(IObjectiveFunction function, double[] start)
        {
            try
            {
                var result = new BfgsBMinimizer(options.GradientTolerance, 1e-14, 1e-15, SlowSolverIterations)
                    .FindMinimum(function, Vector<double>.Build.DenseOfArray(lower), Vector<double>.Build.DenseOfArray(upper),
                        Vector<double>.Build.DenseOfArray(Clamp(start)));
                var t = result.MinimizingPoint.ToArray();
                return t.All(double.IsFinite) ? t : null;
            }
            catch (Exception e) when (e is MaximumIterationsException or InnerOptimizationException or EvaluationException or ArgumentException)
            {
                return null;
            }
        }

        /// <summary>
        /// Iteration cap of the bounded BFGS and Nelder–Mead. M4's α and e0 stop mattering as α → 0 (the law becomes the
        /// power law with floor), and in that flat valley both creep for thousands of iterations (seconds) without
        /// lowering the loss measurably; a thousand keeps an M4 fit to a fraction of a second.
        /// </summary>
        private int SlowSolverIterations => form == LawForm.M4 ? Math.Min(1000, options.MaxIterations) : options.MaxIterations;

        private bool InBox(double[] theta) => theta.Select((t, i) => t >= lower[i] && t <= upper[i]).All(b => b);

        private double[] Clamp(double[] theta) => theta.Select((t, i) => Math.Clamp(t, lower[i], upper[i])).ToArray();

        private double[]? NelderMead(IObjectiveFunction function, double[] start)
        {
            try
            {
                var result = NelderMeadSimplex.Minimum(ObjectiveFunction.Value(v => objective.Value(v.ToArray())),
                    Vector<double>.Build.DenseOfArray(start), 1e-12, SlowSolverIterations);
                var t = Clamp(result.MinimizingPoint.ToArray());
                return t.All(double.IsFinite) && objective.Value(t) <= objective.Value(start) ? t : null;
            }
            catch (Exception e) when (e is MaximumIterationsException or EvaluationException or ArgumentException)
            {
                return null;
            }
        }

        /// <summary>
        /// Largest gradient component that could still lower the loss: at a bound, a component pushing outward is the
        /// optimum's (Karush–Kuhn–Tucker) condition, not a sign of stopping early.
        /// </summary>
        private double GradNorm(double[] theta)
        {
            var g = objective.Gradient(theta);
            double worst = 0;
            for (int i = 0; i < g.Length; i++)
            {
                bool atLower = theta[i] <= lower[i] + 1e-9, atUpper = theta[i] >= upper[i] - 1e-9;
                if ((atLower && g[i] > 0) || (atUpper && g[i] < 0)) continue;
                worst = Math.Max(worst, Math.Abs(g[i]));
            }
            return worst;
        }
    }
}
