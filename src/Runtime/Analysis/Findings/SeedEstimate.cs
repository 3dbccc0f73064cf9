using MathNet.Numerics.Distributions;

namespace ViTDsl.Runtime.Analysis.Findings;

/// <summary>
/// The mean of one quantity measured once per seed, with its Student-t confidence interval: seeds are the
/// independent repetitions of a study, so the spread between them is the noise a claim must stand out from.
/// </summary>
/// <param name="Mean">Mean over seeds.</param>
/// <param name="Interval">Two-sided t-interval of the mean (infinite with fewer than two seeds: no spread is known).</param>
/// <param name="Seeds">How many seeds the mean is over.</param>
internal sealed record SeedEstimate(double Mean, Interval Interval, int Seeds)
{
    /// <summary>Sample standard deviation of the per-seed values (0 with one seed).</summary>
    public double Spread { get; init; }

    /// <summary>Half the interval's width (infinite with one seed).</summary>
    public double HalfWidth => (Interval.Upper - Interval.Lower) / 2;

    /// <summary>The estimate of <paramref name="perSeed"/> (one value per seed) at <paramref name="level"/> (0.95: 95%).</summary>
    public static SeedEstimate Of(IReadOnlyList<double> perSeed, double level = 0.95)
    {
        if (perSeed.Count == 0) throw new ArgumentException("No seeds to estimate from: the study has no finished trial for this comparison yet.", nameof(perSeed));
        if (perSeed.Any(v => !double.IsFinite(v))) throw new ArgumentException($"A per-seed value is not a finite number ({string.Join(", ", perSeed)}).", nameof(perSeed));
        if (level is not (> 0 and < 1)) throw new ArgumentOutOfRangeException(nameof(level), level, "The confidence level lies strictly between 0 and 1, e.g. 0.95.");
        double mean = perSeed.Average();
        if (perSeed.Count < 2) return new SeedEstimate(mean, new Interval(double.NegativeInfinity, double.PositiveInfinity, level), perSeed.Count);
        double sd = Math.Sqrt(perSeed.Sum(v => (v - mean) * (v - mean)) / (perSeed.Count - 1));
        double half = StudentT.InvCDF(0, 1, perSeed.Count - 1, 0.5 + level / 2) * sd / Math.Sqrt(perSeed.Count);
        return new SeedEstimate(mean, new Interval(mean - half, mean + half, level), perSeed.Count) { Spread = sd };
    }

    /// <summary>"0.0123 [0.0040, 0.0206]" in the given format.</summary>
    public string Format(string format = "0.0000") =>
        $"{Mean.ToString(format, System.Globalization.CultureInfo.InvariantCulture)} " +
        $"[{Bound(Interval.Lower, format)}, {Bound(Interval.Upper, format)}]";

    private static string Bound(double v, string format) =>
        double.IsInfinity(v) ? (v > 0 ? "+∞" : "−∞") : v.ToString(format, System.Globalization.CultureInfo.InvariantCulture);
}
