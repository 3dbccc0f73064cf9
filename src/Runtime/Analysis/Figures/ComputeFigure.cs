using ScottPlot;

namespace ViTDsl.Runtime.Analysis;

/// <summary>
/// The paper's Figure 2 (left): error versus compute on log-log axes, every run, the Pareto frontier, and the fitted
/// law with its confidence band (where its constants are identified), drawn from the lowest compute up to 10× the highest so the extrapolation
/// is visible.
/// </summary>
internal static class ComputeFigure
{
    public const string RunsLabel = "runs";
    public const string FrontierLabel = "Pareto frontier";
    public const string BandPrefix = "band";
    public const string FitPrefix = "fit";

    /// <summary>Ends the fit's legend entry when a law in the prediction is not identified, so no band is drawn.</summary>
    public const string NoBandSuffix = "; no band";

    /// <summary>The longest legend entry the figure writes: longer ones squeeze the plot beside the legend.</summary>
    public const int LegendCharacters = 48;

    /// <summary>Curve sample points used for the law and band (log-spaced).</summary>
    public const int CurvePoints = 100;

    public static Figure Create(MetricAnalysis analysis, LawAnalysis? law = null)
    {
        law ??= analysis.Best;
        var plot = new Plot();
        var runs = analysis.Runs.Select(r => r.Point).ToList();
        if (runs.Count > 0)
        {
            var all = plot.Add.Scatter(LogAxes.ToLog(runs.Select(p => p.Compute)), LogAxes.ToLog(runs.Select(p => p.Error)));
            all.LineWidth = 0;
            all.MarkerSize = 6;
            all.Color = Colors.Gray.WithAlpha(0.6);
            all.LegendText = RunsLabel;
        }
        if (analysis.Frontier.Count > 0)
        {
            var f = plot.Add.Scatter(LogAxes.ToLog(analysis.Frontier.Select(p => p.Compute)), LogAxes.ToLog(analysis.Frontier.Select(p => p.Error)));
            f.MarkerSize = 9;
            f.LineWidth = 0;
            f.Color = Colors.Black;
            f.LegendText = FrontierLabel;
        }
        if (law is not null && runs.Count > 0)
        {
            double lo = Math.Log10(runs.Min(p => p.Compute)), hi = Math.Log10(runs.Max(p => p.Compute)) + 1;
            var xs = Enumerable.Range(0, CurvePoints).Select(i => lo + (hi - lo) * i / (CurvePoints - 1)).ToArray();
            var cs = xs.Select(x => Math.Pow(10, x)).ToArray();
            // The selected law is drawn as the fit predicts with it (the weighted mean of the forms, guarded by M4), with the
            // prediction's band where every form in it has intervals; another law alone, with its own band.
            var selection = law == analysis.Best ? analysis.Selection : null;
            var drawn = DrawnPrediction.Of(selection, law);
            var bands = drawn.BandAt is null ? null : cs.Select(drawn.BandAt).ToArray();
            if (bands is not null && bands.All(b => b is { Lower: > 0 } && double.IsFinite(b.Upper)))
            {
                var band = plot.Add.FillY(xs, LogAxes.ToLog(bands.Select(b => b!.Lower)), LogAxes.ToLog(bands.Select(b => b!.Upper)));
                band.FillColor = Colors.C1.WithAlpha(0.25);
                band.LineWidth = 0;
                var method = (law.Intervals ?? selection?.Mean[0].Intervals)!;
                band.LegendText = $"{BandPrefix} ({bands[0]!.Level * 100:0.#}% {method.Method})";
            }
            var curve = plot.Add.Scatter(xs, LogAxes.ToLog(cs.Select(drawn.Predict)));
            curve.MarkerSize = 0;
            curve.LineWidth = 2;
            curve.Color = Colors.C1;
            // The constants, weights and which forms are not identified are in the report; the legend stays short enough
            // to sit beside the plot without squeezing it.
            curve.LegendText = $"{FitPrefix}: {(selection is null ? law.Form.ToString() : selection.ShortName)}{(drawn.NotIdentified ? NoBandSuffix : "")}";
        }
        LogAxes.Apply(plot, logX: true, logY: true);
        plot.Title($"{FigureText.Capitalise(analysis.Metric.ToString())} vs compute");
        plot.XLabel(analysis.ComputeUnit.AxisLabel);
        plot.YLabel(FigureText.Capitalise(analysis.Metric.ToString()));
        FigureStyle.Apply(plot, legendEdge: Edge.Right);
        return new Figure($"compute_{analysis.Metric.Slug}.png", plot);
    }
}
