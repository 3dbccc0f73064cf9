using ScottPlot.Plottables;
using SkiaSharp;
using ViTDsl.Runtime.Analysis;

namespace ViTDsl.Tests.Analysis;

public class FigureTests
{
    private static readonly AnalysisOptions Quick = new() { Bootstrap = new BootstrapOptions { Resamples = 100 }, HoldOut = 2 };

    private static string TempDir() => Directory.CreateTempSubdirectory("vitdsl-fig-").FullName;

    private static bool IsPng(string path) => File.ReadAllBytes(path).Take(8).SequenceEqual(new byte[] { 137, 80, 78, 71, 13, 10, 26, 10 });

    [Fact]
    public void Compute_figure_plots_runs_frontier_fitted_law_and_band()
    {
        var analysis = ScalingAnalysis.Analyse(AnalysisFixtures.Runs(), new RunMetric.Test(), Quick);
        var law = analysis.Best!;
        Assert.Equal(analysis.Selected, law.Form);
        var figure = ComputeFigure.Create(analysis);
        var plottables = figure.Plot.GetPlottables().ToList();

        var runs = plottables.OfType<Scatter>().Single(s => s.LegendText == ComputeFigure.RunsLabel);
        Assert.Equal(16, runs.Data.GetScatterPoints().Count);
        var frontier = plottables.OfType<Scatter>().Single(s => s.LegendText == ComputeFigure.FrontierLabel);
        Assert.Equal(analysis.Frontier.Count, frontier.Data.GetScatterPoints().Count);

        // The fitted curve: every plotted point is what fit predicts — the forms' weighted mean, guarded by M4 (axes hold log10 values).
        var fit = plottables.OfType<Scatter>().Single(s => s.LegendText.StartsWith(ComputeFigure.FitPrefix));
        var curve = fit.Data.GetScatterPoints();
        Assert.Equal(ComputeFigure.CurvePoints, curve.Count);
        var selection = analysis.Selection!;
        Assert.All(curve, p => Assert.Equal(AnalysisFixtures.DefaultPrediction(analysis.Laws, Math.Pow(10, p.X)), Math.Pow(10, p.Y), 1e-9));
        // The legend says how many forms are averaged, short enough to sit beside the plot; the weights are in the report.
        var unbanded = selection.Unbanded.ToList();
        Assert.Equal($"{ComputeFigure.FitPrefix}: mean of {selection.Mean.Count} forms, M4 guard" +
            (unbanded.Count == 0 ? "" : ComputeFigure.NoBandSuffix), fit.LegendText);
        Assert.All(figure.SeriesLabels, label => Assert.True(label.Length <= ComputeFigure.LegendCharacters, label));
        // It spans the data and extends a decade beyond it.
        Assert.Equal(Math.Log10(analysis.Runs.Min(r => r.Point.Compute)), curve.First().X, 1e-9);
        Assert.Equal(Math.Log10(analysis.Runs.Max(r => r.Point.Compute)) + 1, curve.Last().X, 1e-9);

        // The prediction's band where every form in it has intervals, and then around the drawn prediction.
        var bands = plottables.OfType<FillY>().ToList();
        Assert.Equal(unbanded.Count == 0 ? 1 : 0, bands.Count);
        foreach (var band in bands)
        {
            Assert.StartsWith(ComputeFigure.BandPrefix, band.LegendText);
            var x = Math.Pow(10, curve[50].X);
            Assert.InRange(selection.Predict(x), selection.BandAt(x)!.Lower, selection.BandAt(x)!.Upper);
        }

        var dir = TempDir();
        var path = figure.Save(dir);
        Assert.True(new FileInfo(path).Length > 5_000);
        Assert.True(IsPng(path));
        Directory.Delete(dir, true);
    }

    [Fact]
    public void Images_seen_figure_has_one_line_per_model_size_smallest_first()
    {
        var figure = ImagesSeenFigure.Create(AnalysisFixtures.Runs(), new RunMetric.FewShotError(10));
        var series = figure.Plot.GetPlottables().OfType<Scatter>().ToList();
        Assert.Equal(["Ti/16", "S/16", "B/16", "L/16"], series.Select(s => s.LegendText));
        Assert.All(series, s => Assert.Equal(4, s.Data.GetScatterPoints().Count));
        var xs = series[0].Data.GetScatterPoints().Select(p => p.X).ToList();
        Assert.Equal(xs.Order(), xs);
        Assert.Equal(Math.Log10(30_000_000), xs[0], 1e-9);
    }

    [Fact]
    public void Few_shot_figure_sets_each_shot_against_test_error()
    {
        var runs = AnalysisFixtures.Runs();
        var figure = FewShotFigure.Create(runs);
        var series = figure.Plot.GetPlottables().OfType<Scatter>().ToDictionary(s => s.LegendText);
        Assert.Equal(runs.Select(r => (r.TestError, r.FewShotError[new("fashion_mnist", 10)])),
            series["10-shot"].Data.GetScatterPoints().Select(p => (p.X, p.Y)));
        Assert.Equal(runs.Select(r => (r.TestError, r.FewShotError[new("mnist_digits", 10)])),
            series["mnist_digits 10-shot"].Data.GetScatterPoints().Select(p => (p.X, p.Y)));
    }

    [Fact]
    public void Text_is_rendered_without_system_fontconfig()
    {
        // Skia's NoDependencies build must still find a font. Glyphs show as many dark/light alternations along the
        // rows of the title strip's centre; the axis frame, a continuous line, shows none there.
        int TransitionsInTitleStrip(string? title)
        {
            var plot = new ScottPlot.Plot();
            plot.Add.Scatter(new double[] { 1, 2, 3 }, new double[] { 1, 4, 9 });
            if (title is not null) plot.Title(title);
            var dir = TempDir();
            var path = new Figure("t.png", plot, 400, 300).Save(dir);
            using var bitmap = SKBitmap.Decode(path);
            int transitions = 0;
            for (int y = 0; y < 30; y++)
                for (int x = 101; x < 300; x++)
                    if ((bitmap.GetPixel(x, y).Red < 128) != (bitmap.GetPixel(x - 1, y).Red < 128)) transitions++;
            Directory.Delete(dir, true);
            return transitions;
        }
        int without = TransitionsInTitleStrip(null), with = TransitionsInTitleStrip("Error vs compute");
        Assert.True(without < 5 && with > 50, $"title strip: {with} transitions with a title, {without} without");
    }
}
