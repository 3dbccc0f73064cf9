using MathNet.Numerics;
using MathNet.Numerics.Distributions;

namespace ViTDsl.Runtime.Analysis.Findings;

/// <summary>
/// How many seeds a comparison needs, planned from a pilot before the study's data exist: the fewest seeds whose 95%
/// interval has an expected half-width of at most half the comparison's margin, so the verdict can come out either
/// way (with paired differences of spread s over n seeds the half-width is t(0.975, n − 1)·s/√n).
/// </summary>
/// <param name="PilotSpread">Standard deviation of the paired per-seed differences in the pilot.</param>
/// <param name="PilotSeeds">Seeds the pilot ran.</param>
/// <param name="Seeds">Seeds the study runs for this comparison (at most the declared maximum).</param>
/// <param name="SeedsNeeded">Seeds that would reach the target half-width (more than <see cref="Seeds"/> when unaffordable).</param>
/// <param name="TargetHalfWidth">Half the margin.</param>
/// <param name="ExpectedHalfWidth">Expected half-width with <see cref="Seeds"/> seeds, if the pilot's spread is the true one.</param>
internal sealed record PowerPlan(double PilotSpread, int PilotSeeds, int Seeds, int SeedsNeeded, double TargetHalfWidth, double ExpectedHalfWidth)
{
    /// <summary>Whether the declared maximum of seeds reaches the target half-width.</summary>
    public bool Affordable => SeedsNeeded <= Seeds;

    /// <summary>
    /// The plan for a comparison judged against <paramref name="margin"/> (an equivalence margin, or the smallest effect a
    /// "better" claim must resolve), from the spread its pilot measured; never fewer seeds than the pilot ran.
    /// </summary>
    public static PowerPlan For(double pilotSpread, int pilotSeeds, double margin, int maxSeeds, double level = 0.95)
    {
        if (pilotSeeds < 2) throw new ArgumentOutOfRangeException(nameof(pilotSeeds), pilotSeeds, "A pilot needs at least 2 seeds to measure a spread.");
        if (maxSeeds < pilotSeeds) throw new ArgumentOutOfRangeException(nameof(maxSeeds), maxSeeds, $"The study declares fewer seeds ({maxSeeds}) than its pilot runs ({pilotSeeds}).");
        if (!(margin > 0)) throw new ArgumentOutOfRangeException(nameof(margin), margin, "The margin a comparison is planned for must be positive.");
        if (!(pilotSpread >= 0) || double.IsInfinity(pilotSpread)) throw new ArgumentOutOfRangeException(nameof(pilotSpread), pilotSpread, "The pilot's spread must be a finite number ≥ 0.");
        double target = margin / 2;
        int needed = pilotSeeds;
        // The half-width shrinks like 1/√n, so a few thousand seeds bound any plan a machine could run.
        while (needed < 100_000 && ExpectedHalfWidthFor(pilotSpread, needed, level) > target) needed++;
        int seeds = Math.Min(needed, maxSeeds);
        return new PowerPlan(pilotSpread, pilotSeeds, seeds, needed, target, ExpectedHalfWidthFor(pilotSpread, seeds, level));
    }

    /// <summary>
    /// E[half-width] over studies of <paramref name="seeds"/> seeds whose differences have standard deviation
    /// <paramref name="sigma"/>: t·c4(n)·σ/√n, since the sample standard deviation averages c4(n)·σ.
    /// </summary>
    public static double ExpectedHalfWidthFor(double sigma, int seeds, double level = 0.95) =>
        StudentT.InvCDF(0, 1, seeds - 1, 0.5 + level / 2) * C4(seeds) * sigma / Math.Sqrt(seeds);

    // c4(n) = √(2/(n−1))·Γ(n/2)/Γ((n−1)/2): the bias of the sample standard deviation of n normal draws.
    private static double C4(int n) => Math.Sqrt(2.0 / (n - 1)) * Math.Exp(SpecialFunctions.GammaLn(n / 2.0) - SpecialFunctions.GammaLn((n - 1) / 2.0));
}
