using ScottPlot;

namespace ViTDsl.Runtime.Analysis;

/// <summary>
/// Learning curves on log-log axes, one colour per model (and one marker shape per seed, where there are several), read
/// at a glance: the recorded evaluations as markers labelled "model · data size" (and " · seed S"); only what fit predicts for that model (the forms' backtest-weighted mean, guarded by M4), solid
/// over its evaluations and dashed beyond them up to 10× the last x; and that prediction's confidence band where every
/// form in it is identified. The line styles are
/// explained once in the legend, not per model.
/// </summary>
internal static class LearningCurveFigure
{
    public const string FileName = "curves_test.png";

    /// <summary>The legend's three style entries, in the grey of no model.</summary>
    public const string FitLegend = "fit (fitted range)", ExtrapolationLegend = "fit, extrapolated", BandLegend = "confidence band";

    /// <summary>
    /// Marks a model whose prediction holds a law the points do not identify: it is drawn, without a band; the mark is
    /// explained once, by <see cref="NoBandLegend"/>.
    /// </summary>
    public const string NotIdentifiedSuffix = " (no band)";

    /// <summary>The legend's explanation of <see cref="NotIdentifiedSuffix"/>, shown when some model carries it.</summary>
    public const string NoBandLegend = "no band: a law in its fit not identified";

    public static Figure Create(IReadOnlyList<CurveAnalysis> curves, ComputeUnit unit)
    {
        var plot = new Plot();
        var palette = new ScottPlot.Palettes.Category10();
        // One colour per model; its seeds, where there are several, by marker shape.
        var models = curves.Select(c => c.Curve.Variant).Distinct().ToList();
        var seeds = curves.Select(c => c.Curve.Seed).Distinct().ToList();
        MarkerShape[] shapes = [MarkerShape.FilledCircle, MarkerShape.FilledTriangleUp, MarkerShape.FilledSquare, MarkerShape.FilledDiamond];
        bool anyBand = false, anyUnbanded = false;
        for (int i = 0; i < curves.Count; i++)
        {
            var c = curves[i];
            if (c.Points.Count == 0) continue;
            var color = palette.GetColor(models.IndexOf(c.Curve.Variant));
            var observed = plot.Add.Scatter(LogAxes.ToLog(c.Points.Select(p => p.Compute)), LogAxes.ToLog(c.Points.Select(p => p.Error)));
            observed.LineWidth = 0;
            observed.MarkerSize = 6;
            observed.MarkerShape = shapes[seeds.IndexOf(c.Curve.Seed) % shapes.Length];
            observed.Color = color;
            var drawn = c.Best is { } best ? DrawnPrediction.Of(c.Selection, best) : null;
            anyUnbanded |= drawn is { NotIdentified: true };
            observed.LegendText = c.Curve.ShortLabel + (drawn is { NotIdentified: true } ? NotIdentifiedSuffix : "");
            if (drawn is null) continue;
            double lo = Math.Log10(c.Points.Min(p => p.Compute)), last = Math.Log10(c.Points.Max(p => p.Compute));
            // What fit predicts: the forms' weighted mean, guarded by M4 where that is higher; its band where every form
            // in it has intervals.
            if (drawn.BandAt is { } bandAt) anyBand |= Band(plot, bandAt, lo, last + 1, color);
            Line(plot, drawn.Predict, lo, last, color, LinePattern.Solid);
            Line(plot, drawn.Predict, last, last + 1, color, LinePattern.Dashed);
        }
        StyleLegend(plot, anyBand ? curves.Select(c => c.Best?.Intervals).FirstOrDefault(i => i is not null) : null,
            anyUnbanded);
        LogAxes.Apply(plot, logX: true, logY: true);
        var axis = curves.Count > 0 ? curves[0].Axis : CurveAxis.Images;
        plot.Title($"Test error vs {LearningCurves.AxisLabel(axis, unit).ToLowerInvariant()} (learning curves)");
        plot.XLabel(LearningCurves.AxisLabel(axis, unit));
        plot.YLabel("Test error");
        FigureStyle.Apply(plot, legendEdge: Edge.Right);
        return new Figure(FileName, plot, 1300, Math.Max(700, 200 + 30 * curves.Count));
    }

    /// <summary>The style entries, once: what solid, dashed, the band and the no-band mark mean for every model's colour.</summary>
    private static void StyleLegend(Plot plot, IFitIntervals? intervals, bool anyUnbanded)
    {
        var grey = Colors.Gray;
        plot.Legend.ManualItems.Add(new LegendItem { LabelText = FitLegend, LineColor = grey, LineWidth = 2, LinePattern = LinePattern.Solid });
        plot.Legend.ManualItems.Add(new LegendItem { LabelText = ExtrapolationLegend, LineColor = grey, LineWidth = 2, LinePattern = LinePattern.Dashed });
        if (intervals is not null)
            plot.Legend.ManualItems.Add(new LegendItem { LabelText = $"{BandLegend} ({intervals.Level * 100:0.#}% {intervals.Method})", FillColor = grey.WithAlpha(0.3) });
        if (anyUnbanded) plot.Legend.ManualItems.Add(new LegendItem { LabelText = NoBandLegend });
    }

    /// <summary>Draws the band where it stays above zero and finite; says whether it was drawn.</summary>
    private static bool Band(Plot plot, Func<double, Interval?> bandAt, double lo, double hi, Color color)
    {
        const int samples = 60;
        var xs = Enumerable.Range(0, samples).Select(i => lo + (hi - lo) * i / (samples - 1)).ToArray();
        var bands = xs.Select(x => bandAt(Math.Pow(10, x))).ToArray();
        if (!bands.All(b => b is { Lower: > 0 } && double.IsFinite(b.Upper))) return false;
        var band = plot.Add.FillY(xs, LogAxes.ToLog(bands.Select(b => b!.Lower)), LogAxes.ToLog(bands.Select(b => b!.Upper)));
        band.FillColor = color.WithAlpha(0.15);
        band.LineWidth = 0;
        return true;
    }

    private static void Line(Plot plot, Func<double, double> predict, double lo, double hi, Color color, LinePattern pattern)
    {
        const int samples = 60;
        var xs = Enumerable.Range(0, samples).Select(i => lo + (hi - lo) * i / (samples - 1)).ToArray();
        var line = plot.Add.Scatter(xs, LogAxes.ToLog(xs.Select(x => predict(Math.Pow(10, x)))));
        line.MarkerSize = 0;
        line.LineWidth = 2;
        line.Color = color;
        line.LinePattern = pattern;
    }
}
