using System.Globalization;
using ScottPlot;

namespace ViTDsl.Runtime.Analysis;

/// <summary>
/// ScottPlot draws linear axes; log plots are drawn in log10 coordinates with ticks labelled as the real values.
/// Series therefore hold log10 data: <see cref="ToLog"/> on the way in, 10^v on the way out. The ticks are chosen
/// from the data's range, so an axis that spans less than a decade (an error between 0.15 and 0.4) still reads
/// 0.15, 0.2, 0.3, 0.4 rather than a single "1" or none at all.
/// </summary>
internal static class LogAxes
{
    /// <summary>At most this many labelled ticks per axis: more overlap at a figure's shown size.</summary>
    public const int MaxMajorTicks = 8;

    // Mantissas of labelled ticks within a decade, densest first; the densest set that fits MaxMajorTicks wins.
    private static readonly double[][] MantissaSets =
    [
        [1, 1.5, 2, 2.5, 3, 4, 5, 6, 7, 8, 9],
        [1, 1.5, 2, 3, 4, 5, 7],
        [1, 2, 3, 5],
        [1, 2, 5],
        [1, 3],
        [1],
    ];

    public static double[] ToLog(IEnumerable<double> values) => values.Select(Math.Log10).ToArray();

    /// <summary>
    /// Sets log ticks on the chosen axes; call after every series is added (the ticks follow their range). An x axis
    /// whose data sit at a few values (durations of 300, 600 and 1,200 steps) is labelled at those values when they fit
    /// (<paramref name="xValues"/>): a reader then reads each point's x off its own tick.
    /// </summary>
    public static void Apply(Plot plot, bool logX, bool logY, IReadOnlyCollection<double>? xValues = null)
    {
        plot.Axes.AutoScale();
        var limits = plot.Axes.GetLimits();
        if (logX) plot.Axes.Bottom.TickGenerator = Ticks(limits.Left, limits.Right, xValues);
        if (logY) plot.Axes.Left.TickGenerator = Ticks(limits.Bottom, limits.Top);
    }

    /// <summary>
    /// Manual ticks for the log10 range [lo, hi]: labelled at <paramref name="preferred"/> values when there are at most
    /// <see cref="MaxMajorTicks"/> of them and none crowds its neighbour, else at 1-2-5-style values; unlabelled minor decades.
    /// </summary>
    public static ScottPlot.TickGenerators.NumericManual Ticks(double lo, double hi, IReadOnlyCollection<double>? preferred = null)
    {
        var ticks = new ScottPlot.TickGenerators.NumericManual();
        foreach (var v in MajorValues(lo, hi, preferred)) ticks.AddMajor(Math.Log10(v), Label(v));
        if (hi - lo > 0.3)
            foreach (var v in Candidates(lo, hi, [1, 2, 3, 4, 5, 6, 7, 8, 9])) ticks.AddMinor(Math.Log10(v));
        return ticks;
    }

    /// <summary>The labelled values (real, not log) for the log10 range [lo, hi], at <paramref name="preferred"/> values where they fit.</summary>
    public static IReadOnlyList<double> MajorValues(double lo, double hi, IReadOnlyCollection<double>? preferred)
    {
        var data = preferred?.Where(v => v > 0).Select(Round).Distinct().Order().ToList();
        return data is { Count: >= 2 and <= MaxMajorTicks } && Spaced(data, lo, hi) ? data : MajorValues(lo, hi);
    }

    /// <summary>The labelled values (real, not log) for the log10 range [lo, hi].</summary>
    public static IReadOnlyList<double> MajorValues(double lo, double hi)
    {
        if (!(hi > lo) || !double.IsFinite(lo) || !double.IsFinite(hi)) return [];
        foreach (var set in MantissaSets)
        {
            var values = Candidates(lo, hi, set);
            if (values.Count <= MaxMajorTicks && Spaced(values, lo, hi)) return values.Count >= 2 ? values : Linear(lo, hi);
        }
        // More decades than labels: every n-th decade.
        var decades = Candidates(lo, hi, [1]);
        int stride = (int)Math.Ceiling(decades.Count / (double)MaxMajorTicks);
        return decades.Where((_, i) => i % stride == 0).ToList();
    }

    // Labels closer than a twelfth of the axis overlap at a figure's shown size (900 and 1,000 on an axis of 300–1,300).
    private static bool Spaced(IReadOnlyList<double> values, double lo, double hi) =>
        values.Zip(values.Skip(1), (a, b) => Math.Log10(b) - Math.Log10(a)).All(gap => gap >= (hi - lo) / 12);

    // A range narrower than the gap between 1-1.5-2-… values: evenly spaced round values instead.
    private static List<double> Linear(double lo, double hi)
    {
        double a = Math.Pow(10, lo), b = Math.Pow(10, hi), raw = (b - a) / 4;
        double magnitude = Math.Pow(10, Math.Floor(Math.Log10(raw)));
        double step = new[] { 1.0, 2, 2.5, 5, 10 }.Select(m => m * magnitude).First(s => s >= raw);
        var values = new List<double>();
        for (double v = Math.Ceiling(a / step) * step; v <= b; v += step) values.Add(Round(v));
        return values;
    }

    private static List<double> Candidates(double lo, double hi, double[] mantissas)
    {
        var values = new List<double>();
        for (int decade = (int)Math.Floor(lo) - 1; decade <= (int)Math.Ceiling(hi); decade++)
            foreach (var m in mantissas)
            {
                double v = Round(m * Math.Pow(10, decade)), log = Math.Log10(v);
                if (log >= lo - 1e-9 && log <= hi + 1e-9) values.Add(v);
            }
        return values;
    }

    private static double Round(double v) => double.Parse(v.ToString("G6", CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);

    /// <summary>"0.25", "300", "2e13": plain decimals in [0.001, 100 000), otherwise mantissa and exponent.</summary>
    public static string Label(double v) => v >= 1e-3 && v < 1e5
        ? v.ToString("0.#####", CultureInfo.InvariantCulture)
        : v.ToString("0.##E0", CultureInfo.InvariantCulture).Replace("E", "e");
}
