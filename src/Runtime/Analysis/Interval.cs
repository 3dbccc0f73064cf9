namespace ViTDsl.Runtime.Analysis;

/// <summary>A two-sided interval with its nominal coverage (e.g. 0.95).</summary>
internal sealed record Interval(double Lower, double Upper, double Level)
{
    public bool Contains(double value) => value >= Lower && value <= Upper;
    public double Width => Upper - Lower;

    /// <summary>The central percentile interval of <paramref name="values"/> at <paramref name="level"/>.</summary>
    public static Interval Percentile(IEnumerable<double> values, double level)
    {
        var sorted = values.Where(double.IsFinite).Order().ToArray();
        if (sorted.Length == 0) return new Interval(double.NaN, double.NaN, level);
        double tail = (1 - level) / 2;
        return new Interval(Quantile(sorted, tail), Quantile(sorted, 1 - tail), level);
    }

    // Linear interpolation between order statistics (numpy's default "linear" method).
    private static double Quantile(double[] sorted, double q)
    {
        double h = (sorted.Length - 1) * q;
        int lo = (int)Math.Floor(h), hi = Math.Min(lo + 1, sorted.Length - 1);
        return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
    }
}
