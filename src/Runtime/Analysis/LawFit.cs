namespace ViTDsl.Runtime.Analysis;

/// <summary>
/// The best law found for some points, with the evidence that the optimiser really stopped at a minimum.
/// </summary>
/// <param name="Law">The fitted constants, in the points' compute unit.</param>
/// <param name="Loss">Summed Huber loss of log residuals at the optimum.</param>
/// <param name="GradientNorm">Largest |∂loss/∂θ| at the optimum (in the fitter's internal parametrisation).</param>
/// <param name="Converged">Whether <paramref name="GradientNorm"/> met the tolerance.</param>
/// <param name="Starts">Starting points tried.</param>
/// <param name="StartsReachingBest">Starts that ended within 1e-6 (relative) of the best loss: many means a stable optimum.</param>
/// <param name="Points">Points fitted.</param>
/// <param name="LogResiduals">log E_pred − log E_obs at each point, in input order.</param>
public sealed record LawFit(
    ScalingLaw Law, double Loss, double GradientNorm, bool Converged, int Starts, int StartsReachingBest, int Points,
    IReadOnlyList<double> LogResiduals)
{
    /// <summary>The Huber threshold the fit used (see <see cref="FitOptions.NoiseScaledDelta"/>).</summary>
    public double HuberDelta { get; init; }

    /// <summary>Root mean square of the log residuals (≈ the relative error of the fit in-sample).</summary>
    public double RmsLogResidual => Math.Sqrt(LogResiduals.Sum(r => r * r) / LogResiduals.Count);
}
