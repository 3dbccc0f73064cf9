using ScottPlot;

namespace ViTDsl.Runtime.Analysis;

/// <summary>
/// The paper's Figure 2 (right): error versus images seen, one line per model size, on log-log axes — where bigger
/// models reaching a lower error with fewer images shows their sample efficiency.
/// </summary>
internal static class ImagesSeenFigure
{
    public static Figure Create(IReadOnlyList<RunRecord> runs, RunMetric metric)
    {
        var plot = new Plot();
        var byVariant = runs.Where(r => r.ImagesSeen > 0 && metric.Of(r) is > 0)
            .GroupBy(r => r.Variant)
            .OrderBy(g => g.Max(r => r.Parameters));
        foreach (var group in byVariant)
        {
            var ordered = group.OrderBy(r => r.ImagesSeen).ToList();
            var s = plot.Add.Scatter(LogAxes.ToLog(ordered.Select(r => (double)r.ImagesSeen)), LogAxes.ToLog(ordered.Select(r => metric.Of(r)!.Value)));
            s.LegendText = group.Key;
            s.LineWidth = 2;
            s.MarkerSize = 6;
        }
        LogAxes.Apply(plot, logX: true, logY: true);
        plot.Title($"{FigureText.Capitalise(metric.ToString())} vs images seen");
        plot.XLabel("Images seen");
        plot.YLabel(FigureText.Capitalise(metric.ToString()));
        FigureStyle.Apply(plot);
        return new Figure($"images_{metric.Slug}.png", plot);
    }
}
