using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.Optimization;

namespace ViTDsl.Runtime.Analysis;

internal static partial class ScalingLawFitter
{
    /// <summary>
    /// The floor's profile interval (<see cref="ProfileLikelihood.Floor"/>), searched in ln c: each value of ln c is
    /// refitted from the optimum of its neighbour, so the walk follows one valley of the loss.
    /// </summary>
    internal static ProfileInterval? ProfileFloor(IReadOnlyList<ScalingPoint> points, ScalingLaw law, double level, FitOptions options)
    {
        const int floor = 2;
        var problem = Problem.Of(points, law.Form, options with { HuberDelta = double.PositiveInfinity });
        var best = problem.Solve([problem.ToTheta(law)]);
        var theta = problem.ToTheta(best.Law);
        double minimum = best.Loss;
        int dof = points.Count - law.ParameterCount;
        // A fit through its points to rounding leaves no noise to scale the profile by.
        if (!(Math.Sqrt(2 * minimum / points.Count) > 1e-9) || dof < 1) return null;
        // Each value is refitted from the optimum of the nearest value already profiled, so the walk follows one valley.
        var profiled = new List<(double value, double[] theta)> { (theta[floor], theta) };
        double Statistic(double value)
        {
            var warm = profiled.MinBy(p => Math.Abs(p.value - value)).theta;
            var (loss, at) = problem.Fixed(floor, value, warm);
            profiled.Add((value, at));
            return dof * (loss - minimum) / minimum;
        }
        var (lowest, highest) = problem.Box(floor);
        var (lower, upper, lowerOpen, upperOpen) = ProfileLikelihood.Bounds(Statistic, theta[floor], ProfileLikelihood.Threshold(dof, level), 0.05, lowest, highest);
        // The box's lowest floor (1e-8 of the smallest error) is no floor at all: an open lower side means c ≥ 0.
        return new ProfileInterval(new Interval(lowerOpen ? 0 : Math.Exp(lower), Math.Exp(upper), level), lowerOpen, upperOpen);
    }

    private sealed partial class Problem
    {
        /// <summary>The search box of θ's coordinate <paramref name="index"/>.</summary>
        public (double Lower, double Upper) Box(int index) => (lower[index], upper[index]);

        /// <summary>
        /// The objective minimised over every coordinate of θ but <paramref name="index"/>, which is held at
        /// <paramref name="value"/>, from <paramref name="start"/>: BFGS, Nelder–Mead where its line search gives up.
        /// </summary>
        public (double Loss, double[] Theta) Fixed(int index, double value, double[] start)
        {
            double[] Full(IReadOnlyList<double> v)
            {
                var t = new double[start.Length];
                for (int i = 0, j = 0; i < t.Length; i++) t[i] = i == index ? value : v[j++];
                return t;
            }
            var reduced = start.Where((_, i) => i != index).ToArray();
            var function = ObjectiveFunction.Gradient(
                v => objective.Value(Full(v.ToArray())),
                v => Vector<double>.Build.DenseOfEnumerable(objective.Gradient(Full(v.ToArray())).Where((_, i) => i != index)));
            double[] found = reduced;
            try
            {
                found = new BfgsMinimizer(options.GradientTolerance, 1e-14, 1e-15, Math.Min(1000, options.MaxIterations))
                    .FindMinimum(function, Vector<double>.Build.DenseOfArray(reduced)).MinimizingPoint.ToArray();
            }
            catch (Exception e) when (e is MaximumIterationsException or InnerOptimizationException or EvaluationException or ArgumentException)
            {
                try
                {
                    found = NelderMeadSimplex.Minimum(ObjectiveFunction.Value(v => objective.Value(Full(v.ToArray()))),
                        Vector<double>.Build.DenseOfArray(reduced), 1e-12, options.MaxIterations).MinimizingPoint.ToArray();
                }
                catch (Exception inner) when (inner is MaximumIterationsException or EvaluationException or ArgumentException) { }
            }
            var theta = Full(found);
            double loss = objective.Value(theta);
            // A failed step keeps the start, so the profile can only be overstated by a worse local optimum, never understated.
            var fromStart = Full(reduced);
            return objective.Value(fromStart) < loss ? (objective.Value(fromStart), fromStart) : (loss, theta);
        }
    }
}
