using System.CommandLine;
using System.Text.Json;
using ViTDsl.Cli;
using ViTDsl.Runtime.Analysis;
using ViTDsl.Runtime.Store;
using ViTDsl.Runtime.Workers;
using ViTDsl.Tests.Store;

namespace ViTDsl.Tests.Analysis;

/// <summary>
/// Learning curves: the store's periodic evaluations pooled per lineage up to the cooldown, fitted per model, plotted
/// and served by <c>fit --curve</c>.
/// </summary>
public class LearningCurveTests : IDisposable
{
    private const long Batch = 256;
    private const double FlopsPerImage = 3e6;
    private readonly TempFolder folder = new();
    private readonly string db;

    // Two models' true curves in images seen; the bigger model learns faster and reaches a lower floor.
    private static readonly ScalingLaw Small = new(LawForm.PowerLawWithFloor, 40, 0.5, 0.12, 0);
    private static readonly ScalingLaw Big = new(LawForm.PowerLawWithFloor, 30, 0.5, 0.08, 0);

    public LearningCurveTests()
    {
        db = folder.File("results.db");
        using var store = ResultsStore.Open(db);
        var evaluated = Evaluations.Default.PeriodicSteps(800); // 8 … 526, all before the 800-step run's cooldown at 700
        var trials = store.EnsureSweep("curves", [
            ("ti-800", Spec("ti-800", "ti", 1_000, 800, 700, "aaa")),
            ("ti-400", Spec("ti-400", "ti", 1_000, 400, 300, "aaa")),
            ("s-800", Spec("s-800", "s", 5_000, 800, 700, "bbb")),
            ("s-broken", Spec("s-broken", "s", 5_000, 800, 700, "bbb")),
        ]).ToDictionary(t => t.Name, t => t.Id);
        Record(store, trials["ti-800"], evaluated.Select(s => new MetricRecord(s, "test/error", Small.Predict(s * Batch)))
            .Append(new MetricRecord(800, "test/error", 0.5 * Small.Predict(800 * Batch)))); // the cooled-down final error
        // The branch repeats two shared evaluations (same weights, same value), then evaluates inside its own cooldown.
        Record(store, trials["ti-400"], [new(99, "test/error", Small.Predict(99 * Batch)), new(150, "test/error", Small.Predict(150 * Batch)),
            new(350, "test/error", 0.1), new(400, "test/error", 0.09)]);
        Record(store, trials["s-800"], evaluated.Select(s => new MetricRecord(s, "test/error", Big.Predict(s * Batch)))
            .Append(new MetricRecord(800, "test/error", 0.05)));
        var broken = store.BeginAttempt(trials["s-broken"]);
        store.RecordProgress(broken, [new(8, "test/error", 0.99)], []);
        store.CompleteAttempt(broken, AttemptOutcome.Failed, "crashed", null);
    }

    public void Dispose() => folder.Dispose();

    private static string Spec(string name, string variant, long parameters, long steps, long shared, string lineage) =>
        JsonSerializer.Serialize(new TrainingTrial(name, variant, parameters, steps, steps * Batch, FlopsPerImage * steps * Batch, 1, null, shared, lineage),
            TrainingTrial.Json);

    private static void Record(ResultsStore store, long trial, IEnumerable<MetricRecord> metrics)
    {
        var attempt = store.BeginAttempt(trial);
        store.RecordProgress(attempt, metrics.ToList(), []);
        store.CompleteAttempt(attempt, AttemptOutcome.Succeeded, null, null);
    }

    [Fact]
    public void A_lineage_pools_its_evaluations_before_the_cooldown_into_one_curve()
    {
        var curves = new StoreCurveSource(db).ReadCurves();
        Assert.Equal(["ti", "s"], curves.Select(c => c.Label));
        var ti = curves[0];
        Assert.Equal(["ti-400", "ti-800"], ti.Runs);
        // Every periodic step of the long run once; the branch's repeats merged, both cooldowns and finals left out.
        Assert.Equal(Evaluations.Default.PeriodicSteps(800), ti.Points.Select(p => p.Step));
        Assert.All(ti.Points, p => Assert.Equal(Small.Predict(p.Step * Batch), p.Error, 1e-12));
        // The failed trial's evaluation is not part of the bigger model's curve.
        Assert.DoesNotContain(curves[1].Points, p => p.Error == 0.99);
        // Axes: images = steps × batch; compute = FLOPs per image × images, in device-days.
        var first = ti.Points[0];
        Assert.Equal(first.Step * 256.0, ti.X(first.Step, CurveAxis.Images, ComputeUnit.TpuV3CoreDays));
        Assert.Equal(first.Step, ti.X(first.Step, CurveAxis.Steps, ComputeUnit.TpuV3CoreDays));
        Assert.Equal(new TrainingCompute(3e6 * first.Step * 256).TpuV3CoreDays, ti.X(first.Step, CurveAxis.Compute, ComputeUnit.TpuV3CoreDays), 1e-15);
    }

    [Theory]
    [InlineData(30_000L, "fashion7-s · 30k images")]
    [InlineData(60_000L, "fashion7-s · 60k images")]
    [InlineData(1_500_000L, "fashion7-s · 1.5M images")]
    [InlineData(1_234L, "fashion7-s · 1234 images")]
    public void A_curve_is_labelled_by_model_and_data_size(long images, string label)
    {
        var curve = new LearningCurve("fashion7-s · model=s,images=30000,steps=400", "fashion7-s", 1, 1, 1, [], []) { TrainImages = images };
        Assert.Equal(label, curve.ShortLabel);
        Assert.Equal(curve.Label, (curve with { TrainImages = null }).ShortLabel);
        Assert.Equal(label + " · seed 1", (curve with { Seed = "1" }).ShortLabel);
    }

    [Fact]
    public void Two_seeds_of_a_model_are_two_curves_labelled_by_their_seed()
    {
        var path = folder.File("seeds.db");
        using (var store = ResultsStore.Open(path))
        {
            var trials = store.EnsureSweep("seeds", [
                ("model=ti,seed=0,steps=800", Spec("Seeds/model=ti,seed=0,steps=800", "ti", 1_000, 800, 700, "s0")),
                ("model=ti,seed=1,steps=800", Spec("Seeds/model=ti,seed=1,steps=800", "ti", 1_000, 800, 700, "s1")),
            ]).ToDictionary(t => t.Name, t => t.Id);
            foreach (var (name, id) in trials)
                Record(store, id, Evaluations.Default.PeriodicSteps(800).Select(s => new MetricRecord(s, "test/error", Small.Predict(s * Batch))));
        }
        var curves = new StoreCurveSource(path).ReadCurves();
        Assert.Equal(["0", "1"], curves.Select(c => c.Seed).Order());
        Assert.Equal(["ti · seed 0", "ti · seed 1"], curves.Select(c => c.ShortLabel).Order());
        // Curves of runs without a seed axis carry none.
        Assert.All(new StoreCurveSource(db).ReadCurves(), c => Assert.Null(c.Seed));
        // In the figure one model is one colour, its seeds two marker shapes.
        var figure = LearningCurveFigure.Create(LearningCurves.Analyse(curves, CurveAxis.Images), ComputeUnit.TpuV3CoreDays);
        var markers = figure.Plot.GetPlottables().OfType<ScottPlot.Plottables.Scatter>().Where(p => p.MarkerSize > 0).ToList();
        Assert.Equal(2, markers.Count);
        Assert.Single(markers.Select(m => m.Color).Distinct());
        Assert.Equal(2, markers.Select(m => m.MarkerShape).Distinct().Count());
    }

    [Fact]
    public void Each_model_gets_its_own_law_and_the_selected_one_extrapolates_its_truth()
    {
        var fitted = LearningCurves.Analyse(new StoreCurveSource(db).ReadCurves(), CurveAxis.Images);
        foreach (var (curve, truth) in fitted.Zip(new[] { Small, Big }))
        {
            Assert.Equal(4, curve.Laws.Count);
            Assert.All(curve.Laws, l => Assert.NotNull(l.Extrapolation));
            // The true form recovers the model's own constants from its noiseless evaluations.
            var floor = curve.Laws.Single(l => l.Form == LawForm.PowerLawWithFloor).Fit.Law;
            Assert.Equal(truth.C, floor.C, 1e-4);
            Assert.Equal(truth.B, floor.B, 1e-3);
            // Whichever form the backtest selects (on noiseless points M4 can tie the true form to rounding), it predicts
            // the model's error 10× beyond its last evaluation.
            double far = 10 * curve.Points.Max(p => p.Compute);
            Assert.NotNull(curve.Selected);
            Assert.Equal(truth.Predict(far), curve.Best!.Fit.Law.Predict(far), 1e-3);
        }
        Assert.True(fitted[1].Best!.Fit.Law.C < fitted[0].Best!.Fit.Law.C, "the bigger model's floor is the lower");
    }

    [Fact]
    public void The_report_plots_each_model_with_its_fit_and_extrapolation_and_says_what_the_intervals_mean()
    {
        var out_ = folder.File("report");
        var source = new StoreRunSource(db);
        var (_, files) = ScalingReport.Write(source.ReadRuns(), out_, new AnalysisOptions(), source: db, curves: source.Curves().ReadCurves());
        Assert.Contains(Path.Combine(out_, LearningCurveFigure.FileName), files);
        var png = File.ReadAllBytes(Path.Combine(out_, LearningCurveFigure.FileName));
        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, png[..4]);
        var report = File.ReadAllText(Path.Combine(out_, "report.md"));
        Assert.Contains("## Learning curves", report);
        Assert.Contains("conditional on its run", report);
        Assert.Contains($"![{LearningCurveFigure.FileName}]", report);

        var analysed = LearningCurves.Analyse(source.Curves().ReadCurves(), CurveAxis.Images);
        var figure = LearningCurveFigure.Create(analysed, ComputeUnit.TpuV3CoreDays);
        // One legend entry per model, its evaluations, labelled model · data size; its selected law solid over them and
        // dashed beyond, with no legend entries of their own: the line styles are explained once, in grey.
        Assert.Equal(analysed.Select(c => c.Curve.ShortLabel + (c.Selection!.Unbanded.Any() ? LearningCurveFigure.NotIdentifiedSuffix : "")),
            figure.SeriesLabels.Where(l => l.Length > 0));
        var lines = figure.Plot.GetPlottables().OfType<ScottPlot.Plottables.Scatter>().Where(p => p.MarkerSize == 0).ToList();
        Assert.Equal(2 * analysed.Count, lines.Count);
        Assert.Equal(analysed.Count, lines.Count(l => l.LinePattern.Equals(ScottPlot.LinePattern.Dashed)));
        // Bands only where every law in the prediction is identified (has intervals) and the band stays above zero.
        var bands = figure.Plot.GetPlottables().OfType<ScottPlot.Plottables.FillY>().Count();
        Assert.Equal(analysed.Count(c => !c.Selection!.Unbanded.Any() && Positive(c)), bands);
        var styles = figure.Plot.Legend.ManualItems.Select(i => i.LabelText).ToList();
        Assert.Equal([LearningCurveFigure.FitLegend, LearningCurveFigure.ExtrapolationLegend], styles.Take(2));
        // The no-band mark is explained once, and only when some model carries it.
        Assert.Equal(analysed.Any(c => c.Selection!.Unbanded.Any()), styles.Contains(LearningCurveFigure.NoBandLegend));
        // The band's entry only where a band is drawn.
        Assert.Equal(bands > 0, styles.Any(l => l.StartsWith(LearningCurveFigure.BandLegend, StringComparison.Ordinal)));
        // The solid line is what fit predicts — the forms' weighted mean, guarded by M4 — where the model was evaluated.
        var first = analysed[0];
        var solid = lines[0];
        double x0 = Math.Pow(10, solid.Data.GetScatterPoints()[0].X);
        double expected = AnalysisFixtures.DefaultPrediction(first.Laws, x0);
        Assert.Equal(Math.Log10(expected), solid.Data.GetScatterPoints()[0].Y, 1e-9);
    }

    private static bool Positive(CurveAnalysis c)
    {
        double lo = c.Points.Min(p => p.Compute), hi = 10 * c.Points.Max(p => p.Compute);
        return Enumerable.Range(0, 60).Select(i => lo * Math.Pow(hi / lo, i / 59.0)).All(x => c.Selection!.BandAt(x) is { Lower: > 0 } b && double.IsFinite(b.Upper));
    }

    [Fact]
    public void Fit_curve_serves_each_model_on_the_chosen_axis_and_refuses_a_csv()
    {
        var (code, output, error) = Invoke(AnalysisCommands.Fit(), "--runs", db, "--curve", "--x", "steps", "--json", "--form", "floor");
        Assert.True(code == 0, error);
        using var json = JsonDocument.Parse(output);
        var models = json.RootElement.EnumerateArray().ToList();
        Assert.Equal(["ti", "s"], models.Select(m => m.GetProperty("model").GetString()));
        Assert.Equal(Evaluations.Default.PeriodicSteps(800).Select(s => (double)s),
            models[0].GetProperty("points").EnumerateArray().Select(p => p.GetProperty("compute").GetDouble()));
        Assert.Equal("PowerLawWithFloor", models[0].GetProperty("laws")[0].GetProperty("form").GetString());
        Assert.Contains("conditional", models[0].GetProperty("intervalNote").GetString());

        var csv = folder.File("runs.csv");
        CsvRunSource.Write(csv, AnalysisFixtures.Runs());
        var (refused, _, message) = Invoke(AnalysisCommands.Fit(), "--runs", csv, "--curve");
        Assert.Equal(ExitCodes.UsageError, refused);
        Assert.Contains("results store", message);
    }

    private static (int code, string output, string error) Invoke(Command command, params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = CliApp.Run(new RootCommand("test root") { command }, [command.Name, .. args], output, error);
        return (code, output.ToString(), error.ToString());
    }
}
