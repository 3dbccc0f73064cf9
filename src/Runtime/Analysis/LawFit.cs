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
internal sealed record LawFit(
    ScalingLaw Law, double Loss, double GradientNorm, bool Converged, int Starts, int StartsReachingBest, int Points,
    IReadOnlyList<double> LogResiduals)
{
    /// <summary>The Huber threshold the fit used (see <see cref="FitOptions.NoiseScaledDelta"/>).</summary>
    public double HuberDelta { get; init; }

    /// <summary>
    /// Constants (indices into <see cref="ScalingLaw.Values"/>) the optimum left at the edge of the fitter's search box: the
    /// data pushed them as far as they were allowed to go, so they are not determined by the data.
    /// </summary>
    public IReadOnlyList<int> AtBound { get; init; } = [];

    /// <summary>
    /// Constants the optimiser never moved from the start it began at: the loss is flat along them, so the data do not
    /// determine them (a shift d far below the smallest compute, an e0 when α = 0).
    /// </summary>
    public IReadOnlyList<int> AtStart { get; init; } = [];

    /// <summary>
    /// For M4 fitted by its authors' procedure: the residuals of the least squares it solves, ln(E − c) − α·ln(e0 − E) −
    /// ln a + b·ln x, in input order (null for the log-error fits). The delta method linearises that estimator.
    /// </summary>
    public IReadOnlyList<double>? TransformedResiduals { get; init; }

    /// <summary>Root mean square of the log residuals (≈ the relative error of the fit in-sample).</summary>
    public double RmsLogResidual => Math.Sqrt(LogResiduals.Sum(r => r * r) / LogResiduals.Count);
}
