using ScottPlot;

namespace ViTDsl.Runtime.Analysis;

/// <summary>
/// Learning curves on log-log axes, one colour per model: the recorded evaluations, the law backtesting selected drawn
/// solid over the evaluated range and dashed beyond it, up to 10× the last x, so the extrapolation is visible.
/// </summary>
public static class LearningCurveFigure
{
    public const string FileName = "curves_test.png";
    public const string ExtrapolationSuffix = "extrapolated";

    public static Figure Create(IReadOnlyList<CurveAnalysis> curves, ComputeUnit unit)
    {
        var plot = new Plot();
        var palette = new ScottPlot.Palettes.Category10();
        for (int i = 0; i < curves.Count; i++)
        {
            var c = curves[i];
            if (c.Points.Count == 0) continue;
            var color = palette.GetColor(i);
            var observed = plot.Add.Scatter(LogAxes.ToLog(c.Points.Select(p => p.Compute)), LogAxes.ToLog(c.Points.Select(p => p.Error)));
            observed.LineWidth = 0;
            observed.MarkerSize = 6;
            observed.Color = color;
            observed.LegendText = c.Curve.Label;
            if (c.Best is not { } law) continue;
            double lo = Math.Log10(c.Points.Min(p => p.Compute)), last = Math.Log10(c.Points.Max(p => p.Compute));
            Line(plot, law.Fit.Law, lo, last, color, $"{c.Curve.Label}: {law.Form}", LinePattern.Solid);
            Line(plot, law.Fit.Law, last, last + 1, color, $"{c.Curve.Label}: {ExtrapolationSuffix}", LinePattern.Dashed);
        }
        LogAxes.Apply(plot, logX: true, logY: true);
        var axis = curves.Count > 0 ? curves[0].Axis : CurveAxis.Images;
        plot.Title($"Test error vs {LearningCurves.AxisLabel(axis, unit).ToLowerInvariant()} (learning curves)");
        plot.XLabel(LearningCurves.AxisLabel(axis, unit));
        plot.YLabel("Test error");
        // Three entries per model with long run names: a panel beside the data, in a figure wide enough for both.
        FigureStyle.Apply(plot, legendEdge: Edge.Right);
        return new Figure(FileName, plot, 1700, Math.Max(700, 120 + 26 * plot.GetPlottables().Count()));
    }

    private static void Line(Plot plot, ScalingLaw law, double lo, double hi, Color color, string label, LinePattern pattern)
    {
        const int samples = 60;
        var xs = Enumerable.Range(0, samples).Select(i => lo + (hi - lo) * i / (samples - 1)).ToArray();
        var line = plot.Add.Scatter(xs, LogAxes.ToLog(xs.Select(x => law.Predict(Math.Pow(10, x)))));
        line.MarkerSize = 0;
        line.LineWidth = 2;
        line.Color = color;
        line.LinePattern = pattern;
        line.LegendText = label;
    }
}
