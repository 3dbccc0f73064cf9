using System.CommandLine;
using System.Text.Json;
using ViTDsl.Cli;
using ViTDsl.Runtime.Analysis;

namespace ViTDsl.Tests.Analysis;

public class AnalysisCommandTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("vitdsl-cli-").FullName;
    private readonly string runsCsv;

    public AnalysisCommandTests()
    {
        runsCsv = Path.Combine(dir, "runs.csv");
        CsvRunSource.Write(runsCsv, AnalysisFixtures.Runs());
    }

    public void Dispose() => Directory.Delete(dir, recursive: true);

    private static (int code, string output, string error) Invoke(Command command, params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = CliApp.Run(new RootCommand("test root") { command }, [command.Name, .. args], output, error);
        return (code, output.ToString(), error.ToString());
    }

    [Fact]
    public void Fit_json_reports_every_form_with_intervals_and_extrapolation()
    {
        var (code, output, error) = Invoke(AnalysisCommands.Fit(), "--runs", runsCsv, "--json", "--bootstrap", "30");
        Assert.True(code == 0, error);
        using var json = JsonDocument.Parse(output);
        var root = json.RootElement;
        Assert.Equal("test", root.GetProperty("metric").GetString());
        Assert.Equal(16, root.GetProperty("runs").GetInt32());
        var laws = root.GetProperty("laws").EnumerateArray().ToList();
        Assert.Equal(["PowerLaw", "PowerLawWithFloor", "Saturating", "M4"], laws.Select(l => l.GetProperty("form").GetString()));
        // What the fit predicts with is what the library selects.
        var selected = root.GetProperty("selected").GetString();
        Assert.Equal(ScalingAnalysis.Analyse(new CsvRunSource(runsCsv).ReadRuns(), new RunMetric.Test(), new AnalysisOptions { Bootstrap = null }).Selection?.ToString(), selected);
        var saturating = laws[2];
        Assert.True(saturating.GetProperty("converged").GetBoolean());
        // The CLI reports what the library fits to the same runs' frontier.
        var frontier = ParetoFrontier.Of(new CsvRunSource(runsCsv).ReadRuns().Select(r => new ScalingPoint(r.Compute.TpuV3CoreDays, r.TestError)));
        var expected = ScalingLawFitter.Fit(frontier, LawForm.Saturating).Law;
        var constants = saturating.GetProperty("constants");
        foreach (var (name, value) in new[] { ("a", expected.A), ("b", expected.B), ("c", expected.C), ("d", expected.D) })
            Assert.Equal(value, constants.GetProperty(name).GetDouble(), 1e-9 * Math.Abs(value));
        Assert.Equal(expected.ToString(), saturating.GetProperty("law").GetString());
        var interval = saturating.GetProperty("intervals").GetProperty("b").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        Assert.True(interval[0] <= interval[1]);
        var extrapolation = saturating.GetProperty("extrapolation");
        Assert.Equal(2, extrapolation.GetProperty("heldOut").GetArrayLength());
        Assert.True(extrapolation.GetProperty("meanAbsLogError").GetDouble() >= 0);
    }

    [Fact]
    public void Fit_text_names_the_law_and_few_shot_metrics_work()
    {
        var (code, output, error) = Invoke(AnalysisCommands.Fit(), "--runs", runsCsv, "--metric", "10shot", "--form", "floor", "--bootstrap", "0");
        Assert.True(code == 0, error);
        Assert.Contains("10-shot error", output);
        Assert.Contains("PowerLawWithFloor: E = ", output);
        Assert.DoesNotContain("Saturating", output);

        // A transfer target's k-shot error, named by its target.
        (code, output, error) = Invoke(AnalysisCommands.Fit(), "--runs", runsCsv, "--metric", "fewshot/mnist_digits/10shot_error", "--form", "floor", "--bootstrap", "0");
        Assert.True(code == 0, error);
        Assert.Contains("mnist_digits 10-shot error", output);
        Assert.Contains("PowerLawWithFloor: E = ", output);
    }

    [Fact]
    public void Fit_points_fits_any_table_as_given_and_selects_a_form()
    {
        // A learning curve from elsewhere: error versus images seen, every point on the curve (no frontier to take).
        var truth = LawFormTests.Truths[LawForm.PowerLawWithFloor];
        var table = Path.Combine(dir, "points.csv");
        var points = SyntheticLawFitTests.Draw(truth, 0.01, 11, 14);
        File.WriteAllLines(table, ["images_seen,error", .. points.Select(p => FormattableString.Invariant($"{p.Compute:R},{p.Error:R}"))]);
        var (code, output, error) = Invoke(AnalysisCommands.Fit(), "--points", table, "--json", "--form", "floor", "--holdout", "3");
        Assert.True(code == 0, error);
        using var json = JsonDocument.Parse(output);
        var root = json.RootElement;
        Assert.Equal(14, root.GetProperty("points").GetArrayLength());
        var law = root.GetProperty("laws").EnumerateArray().Single();
        var expected = ScalingLawFitter.Fit(points, LawForm.PowerLawWithFloor).Law;
        Assert.Equal(expected.B, law.GetProperty("constants").GetProperty("b").GetDouble(), 1e-9);
        Assert.Equal("PowerLawWithFloor", root.GetProperty("selected").GetString());
        // Delta-method intervals by default, holding the true exponent here.
        var b = law.GetProperty("intervals").GetProperty("b").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        Assert.InRange(truth.B, b[0], b[1]);

        File.WriteAllLines(table, ["x,error", "1,0.5", "10,oops"]);
        var (bad, _, badError) = Invoke(AnalysisCommands.Fit(), "--points", table);
        Assert.Equal(ExitCodes.Failure, bad);
        Assert.Contains("line 3: column error = 'oops' is not a number", badError);
    }

    [Fact]
    public void Help_describes_the_options()
    {
        var (_, fitHelp, _) = Invoke(AnalysisCommands.Fit(), "--help");
        Assert.Contains("--json", fitHelp);
        Assert.Contains("Pareto frontier", fitHelp);
        Assert.Contains("--holdout", fitHelp);
        var (_, reportHelp, _) = Invoke(AnalysisCommands.Report(), "--help");
        Assert.Contains("--out", reportHelp);
        Assert.Contains("report.md", reportHelp);
    }

    [Fact]
    public void Bad_input_gets_a_clear_error_and_a_nonzero_exit()
    {
        var (code, _, error) = Invoke(AnalysisCommands.Fit(), "--runs", Path.Combine(dir, "missing.csv"));
        Assert.Equal(ExitCodes.DataMissing, code);
        Assert.Contains("No run file", error);
        var (badMetric, _, metricError) = Invoke(AnalysisCommands.Fit(), "--runs", runsCsv, "--metric", "top5");
        Assert.Equal(ExitCodes.UsageError, badMetric);
        Assert.Contains("'top5' is not a metric", metricError);
        Assert.Contains("vitdsl fit --help", metricError);
    }

    [Fact]
    public void Report_writes_markdown_with_constants_and_the_figures_beside_it()
    {
        var outDir = Path.Combine(dir, "report");
        var (code, output, error) = Invoke(AnalysisCommands.Report(), "--runs", runsCsv, "--out", outDir, "--form", "floor", "--bootstrap", "20");
        Assert.True(code == 0, error);
        var md = File.ReadAllText(Path.Combine(outDir, "report.md"));
        Assert.Contains("## test error", md);
        Assert.Contains("## 10-shot error", md);
        Assert.Contains("## 1-shot error", md);
        Assert.Contains("## mnist_digits 10-shot error", md);
        Assert.Contains("E = ", md);
        Assert.Contains("mean abs. log error", md);
        Assert.Contains("95% residual-bootstrap", md);
        foreach (var png in new[] { "compute_test.png", "images_test.png", "compute_10shot.png", "compute_mnist_digits_10shot.png", "fewshot_vs_test.png" })
        {
            Assert.Contains($"]({png})", md);
            Assert.True(new FileInfo(Path.Combine(outDir, png)).Length > 5_000, png);
            Assert.Contains(png, output);
        }
    }
}
