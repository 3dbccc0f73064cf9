using ScottPlot;

namespace ViTDsl.Runtime.Analysis;

/// <summary>
/// Few-shot error next to test error, one series per target and shot count: whether a run that is better upstream
/// also transfers better, and how far apart the two are.
/// </summary>
internal static class FewShotFigure
{
    public static Figure Create(IReadOnlyList<RunRecord> runs)
    {
        var plot = new Plot();
        foreach (var metric in ScalingAnalysis.MetricsIn(runs).OfType<RunMetric.FewShotError>())
        {
            var with = runs.Select(r => (r.TestError, Error: metric.Of(r))).Where(p => p.Error is not null).ToList();
            var s = plot.Add.Scatter(with.Select(p => p.TestError).ToArray(), with.Select(p => p.Error!.Value).ToArray());
            s.LineWidth = 0;
            s.MarkerSize = 7;
            s.LegendText = metric.Target is null ? $"{metric.Shots}-shot" : $"{metric.Target} {metric.Shots}-shot";
        }
        if (runs.Count > 0)
        {
            double lo = runs.Min(r => r.TestError), hi = runs.Max(r => r.TestError);
            var diagonal = plot.Add.Scatter(new[] { lo, hi }, new[] { lo, hi });
            diagonal.MarkerSize = 0;
            diagonal.LinePattern = LinePattern.Dashed;
            diagonal.Color = Colors.Gray;
            diagonal.LegendText = "few-shot = test";
        }
        plot.Title("Few-shot error vs test error");
        plot.XLabel("Test error");
        plot.YLabel("Few-shot error");
        FigureStyle.Apply(plot);
        return new Figure("fewshot_vs_test.png", plot);
    }
}
