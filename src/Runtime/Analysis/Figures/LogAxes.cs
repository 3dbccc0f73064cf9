using ScottPlot;

namespace ViTDsl.Runtime.Analysis;

/// <summary>
/// ScottPlot draws linear axes; log-log plots are drawn in log10 coordinates with decade ticks labelled as the real
/// values. Series therefore hold log10 data: <see cref="ToLog"/> on the way in, 10^v on the way out.
/// </summary>
internal static class LogAxes
{
    public static double[] ToLog(IEnumerable<double> values) => values.Select(Math.Log10).ToArray();

    public static void Apply(Plot plot, bool logX, bool logY)
    {
        if (logX) plot.Axes.Bottom.TickGenerator = Ticks();
        if (logY) plot.Axes.Left.TickGenerator = Ticks();
    }

    private static ScottPlot.TickGenerators.NumericAutomatic Ticks() => new()
    {
        MinorTickGenerator = new ScottPlot.TickGenerators.LogMinorTickGenerator(),
        IntegerTicksOnly = true,
        LabelFormatter = v => Label(Math.Pow(10, v)),
    };

    private static string Label(double v) => v >= 1e-2 && v < 1e4 ? v.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture) : v.ToString("0E0", System.Globalization.CultureInfo.InvariantCulture);
}
