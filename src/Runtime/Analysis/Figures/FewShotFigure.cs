using ScottPlot;

namespace ViTDsl.Runtime.Analysis;

/// <summary>
/// Few-shot error next to test error, one series per shot count: whether a run that is better upstream also
/// transfers better, and how far apart the two are.
/// </summary>
public static class FewShotFigure
{
    public static Figure Create(IReadOnlyList<RunRecord> runs)
    {
        var plot = new Plot();
        foreach (var k in runs.SelectMany(r => r.FewShotError.Keys).Distinct().Order())
        {
            var with = runs.Where(r => r.FewShotError.ContainsKey(k)).ToList();
            var s = plot.Add.Scatter(with.Select(r => r.TestError).ToArray(), with.Select(r => r.FewShotError[k]).ToArray());
            s.LineWidth = 0;
            s.MarkerSize = 7;
            s.LegendText = $"{k}-shot";
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
