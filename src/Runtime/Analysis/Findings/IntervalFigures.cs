using ScottPlot;

namespace ViTDsl.Runtime.Analysis.Findings;

/// <summary>One point of an interval figure: a mean over seeds and its confidence interval.</summary>
internal sealed record IntervalPoint(double X, SeedEstimate Y);

/// <summary>One named series of an interval figure (a model size, a schedule).</summary>
internal sealed record IntervalSeries(string Label, IReadOnlyList<IntervalPoint> Points);

/// <summary>
/// The findings' figures: means over seeds with their confidence intervals drawn as whiskers, so the reader sees the
/// same interval the verdict read. <see cref="Categories"/> compares variants side by side (pooling, optimizers,
/// weight decay, the paper's bar charts); <see cref="Lines"/> draws error against a size or duration per series
/// (Fig. 2 right, Fig. 7).
/// </summary>
internal static class IntervalFigures
{
    /// <summary>Label of the whisker series (one per figure), so tests and readers can find the intervals.</summary>
    public const string WhiskerLabel = "95% interval over seeds";

    public static Figure Categories(string fileName, string title, string yLabel, IReadOnlyList<(string Label, SeedEstimate Estimate)> categories)
    {
        if (categories.Count == 0) throw new ArgumentException($"Figure '{fileName}' has no categories to draw.", nameof(categories));
        var plot = new Plot();
        var xs = Enumerable.Range(0, categories.Count).Select(i => (double)i).ToArray();
        var means = plot.Add.Scatter(xs, categories.Select(c => c.Estimate.Mean).ToArray());
        means.LineWidth = 0;
        means.MarkerSize = 14;
        means.Color = Colors.Black;
        means.LegendText = "mean over seeds";
        AddWhiskers(plot, categories.Select((c, i) => (xs[i], c.Estimate)), Colors.Black, 0.12);
        var ticks = new ScottPlot.TickGenerators.NumericManual();
        for (int i = 0; i < categories.Count; i++) ticks.AddMajor(i, categories[i].Label);
        plot.Axes.Bottom.TickGenerator = ticks;
        plot.Axes.SetLimitsX(-0.6, categories.Count - 0.4);
        plot.Title(title);
        plot.YLabel(yLabel);
        FigureStyle.Apply(plot);
        return new Figure(fileName, plot);
    }

    public static Figure Lines(string fileName, string title, string xLabel, string yLabel, IReadOnlyList<IntervalSeries> series, bool logX, bool logY)
    {
        if (series.Count == 0 || series.All(s => s.Points.Count == 0)) throw new ArgumentException($"Figure '{fileName}' has no points to draw.", nameof(series));
        var plot = new Plot();
        double X(double x) => logX ? Math.Log10(x) : x;
        double Y(double y) => logY ? Math.Log10(y) : y;
        double span = series.SelectMany(s => s.Points).Select(p => X(p.X)).DefaultIfEmpty().Max() - series.SelectMany(s => s.Points).Select(p => X(p.X)).DefaultIfEmpty().Min();
        for (int i = 0; i < series.Count; i++)
        {
            var points = series[i].Points.OrderBy(p => p.X).ToList();
            var color = plot.Add.Palette.GetColor(i);
            var line = plot.Add.Scatter(points.Select(p => X(p.X)).ToArray(), points.Select(p => Y(p.Y.Mean)).ToArray());
            line.LegendText = series[i].Label;
            line.LineWidth = 2;
            line.MarkerSize = 9;
            line.Color = color;
            // Series at the same x are nudged apart so their whiskers do not hide each other.
            double nudge = span * 0.008 * (i - (series.Count - 1) / 2.0);
            AddWhiskers(plot, points.Select(p => (X(p.X) + nudge, p.Y)), color, span * 0.01, logY, inLegend: i == 0); // one legend entry for all whiskers
        }
        if (logX || logY) LogAxes.Apply(plot, logX, logY, series.SelectMany(s => s.Points).Select(p => p.X).ToList());
        plot.Title(title);
        plot.XLabel(xLabel);
        plot.YLabel(yLabel);
        FigureStyle.Apply(plot);
        return new Figure(fileName, plot);
    }

    private static void AddWhiskers(Plot plot, IEnumerable<(double X, SeedEstimate Estimate)> points, Color color, double capHalfWidth, bool logY = false, bool inLegend = true)
    {
        bool labelled = !inLegend;
        foreach (var (x, estimate) in points)
        {
            var (lo, hi) = (estimate.Interval.Lower, estimate.Interval.Upper);
            if (!double.IsFinite(lo) || !double.IsFinite(hi)) continue; // one seed: no interval to draw
            // On a log axis a whisker reaching below half the mean is cut there: it would otherwise stretch the axis over
            // decades (or to minus infinity); the report's tables give the full interval.
            if (logY) (lo, hi) = (Math.Log10(Math.Max(lo, estimate.Mean / 2)), Math.Log10(hi));
            foreach (var (x1, y1, x2, y2) in new[] { (x, lo, x, hi), (x - capHalfWidth, lo, x + capHalfWidth, lo), (x - capHalfWidth, hi, x + capHalfWidth, hi) })
            {
                var segment = plot.Add.Line(x1, y1, x2, y2);
                segment.Color = color;
                segment.LineWidth = 2;
                segment.LegendText = labelled ? "" : WhiskerLabel;
                labelled = true;
            }
        }
    }
}
