using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using ViTDsl.Cli;
using ViTDsl.Runtime.Analysis;

namespace ViTDsl.Tests.Analysis;

/// <summary>
/// `fit --only`: a subset of a store's runs is fitted exactly as a file holding only that subset would be (the
/// reference computed another way), and a filter that matches nothing by a typo says so instead of fitting nothing.
/// </summary>
public class RunFilterTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("vitdsl-only-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    // Two seeds of a 4-model × 4-duration grid, named as a sweep names its trials; seed 3's errors are seed 2's
    // with a different noise draw, so a fit of all runs differs from a fit of either seed.
    private static List<RunRecord> Grid()
    {
        var runs = new List<RunRecord>();
        var models = new[] { Vit.Ti(16), Vit.S(16), Vit.B(16), Vit.L(16) };
        foreach (var seed in new[] { 2, 3 })
        {
            var rng = new Random(seed);
            for (int m = 0; m < models.Length; m++)
                foreach (var steps in new long[] { 625, 1250, 2500, 5000 })
                {
                    var run = RunRecord.Of($"Study/model={models[m].Variant},seed={seed},steps={steps}", models[m], steps * 4096, 1);
                    var error = 0.08 + 3.0 * Math.Pow(run.TrainingFlops / 1e15, -0.3) * (1 + 0.05 * m * m / (1 + Math.Log10(steps)))
                                * Math.Exp(0.03 * (rng.NextDouble() - 0.5));
                    runs.Add(run with { TestError = Math.Min(0.95, error) });
                }
        }
        return runs;
    }

    private (int Code, string Output, string Error) Fit(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var fit = AnalysisCommands.Fit();
        int code = CliApp.Run(new RootCommand("test root") { fit }, ["fit", .. args], output, error);
        // The command line wraps long messages at the terminal's width; the assertions read them as one line.
        return (code, output.ToString(), System.Text.RegularExpressions.Regex.Replace(error.ToString(), @"\s+", " "));
    }

    private string Csv(string name, IEnumerable<RunRecord> runs)
    {
        var path = Path.Combine(dir, name);
        CsvRunSource.Write(path, runs);
        return path;
    }

    // The fit's JSON without its timings, which differ between two identical fits.
    private static string Fitted(string json)
    {
        var node = JsonNode.Parse(json)!;
        foreach (var law in node["laws"]!.AsArray()) law!.AsObject().Remove("fitMilliseconds");
        return node.ToJsonString();
    }

    // The fit alone: its JSON without timings and notes (a default fit of seeds says that it averaged them).
    private static string WithoutNotes(string json)
    {
        var node = JsonNode.Parse(Fitted(json))!;
        node.AsObject().Remove("notes");
        return node.ToJsonString();
    }

    [Fact]
    public void A_run_names_labels_are_its_points_and_its_sweep()
    {
        var labels = RunFilter.LabelsOf("FashionScalingSeeds/model=fashion7-w24d2,seed=2,steps=625");
        Assert.Equal(new Dictionary<string, string>
        {
            ["sweep"] = "FashionScalingSeeds", ["model"] = "fashion7-w24d2", ["seed"] = "2", ["steps"] = "625",
        }, labels);
        Assert.Equal(new Dictionary<string, string> { ["steps"] = "625" }, RunFilter.LabelsOf("steps=625"));
        Assert.Equal(new Dictionary<string, string> { ["sweep"] = "Study", ["model"] = "B/16", ["seed"] = "2" }, RunFilter.LabelsOf("Study/model=B/16,seed=2"));
        Assert.Equal(new Dictionary<string, string> { ["model"] = "B/16" }, RunFilter.LabelsOf("model=B/16"));
    }

    [Fact]
    public void One_seed_and_a_subset_of_durations_fit_as_a_file_of_only_those_runs()
    {
        var grid = Grid();
        var all = Csv("all.csv", grid);
        var subset = grid.Where(r => r.Name.Contains("seed=3,") && !r.Name.EndsWith("steps=1250", StringComparison.Ordinal)).ToList();
        Assert.Equal(12, subset.Count);
        var alone = Csv("alone.csv", subset);

        var filtered = Fit("--runs", all, "--unit", "flops", "--json", "--only", "seed=3", "--only", "steps=625,2500,5000");
        var reference = Fit("--runs", alone, "--unit", "flops", "--json");
        var everything = Fit("--runs", all, "--unit", "flops", "--json");

        Assert.True(filtered.Code == 0, filtered.Error);
        Assert.Equal(12, JsonNode.Parse(filtered.Output)!["runs"]!.GetValue<int>());
        Assert.Equal(Fitted(reference.Output), Fitted(filtered.Output));
        Assert.NotEqual(Fitted(everything.Output), Fitted(filtered.Output));
    }

    [Fact]
    public void A_label_or_value_no_run_has_is_an_error_that_lists_what_there_is()
    {
        var all = Csv("all.csv", Grid());

        var label = Fit("--runs", all, "--only", "sed=2");
        Assert.NotEqual(0, label.Code);
        Assert.Contains("no run has the label 'sed'", label.Error);
        Assert.Contains("model, seed, steps, sweep", label.Error);

        var value = Fit("--runs", all, "--only", "seed=2,4");
        Assert.NotEqual(0, value.Code);
        Assert.Contains("no run has seed=4; its values are 2, 3", value.Error);

        var malformed = Fit("--runs", all, "--only", "seed");
        Assert.Equal(ViTDsl.Runtime.ExitCodes.UsageError, malformed.Code);
        Assert.Contains("'seed' is not LABEL=VALUE", malformed.Error);

        var withPoints = Fit("--points", all, "--only", "seed=2");
        Assert.Equal(ViTDsl.Runtime.ExitCodes.UsageError, withPoints.Code);
        Assert.Contains("--only and --mean-over select recorded runs for the frontier fit", withPoints.Error);
    }

    [Fact]
    public void The_mean_over_seeds_fits_as_a_file_of_the_hand_averaged_points()
    {
        var grid = Grid();
        var all = Csv("all.csv", grid);
        // The reference: each (model, steps) point's two seeds averaged by hand, named without the seed.
        var averaged = grid.GroupBy(r => r.Name.Replace(",seed=2", "").Replace(",seed=3", ""))
            .Select(g => g.First() with { Name = g.Key, TestError = (g.First().TestError + g.Last().TestError) / 2 }).ToList();
        Assert.Equal(16, averaged.Count);
        var reference = Fit("--runs", Csv("mean.csv", averaged), "--unit", "flops", "--json");

        var mean = Fit("--runs", all, "--unit", "flops", "--json", "--mean-over", "seed");

        Assert.True(mean.Code == 0, mean.Error);
        Assert.Equal(16, JsonNode.Parse(mean.Output)!["runs"]!.GetValue<int>());
        Assert.Equal(Fitted(reference.Output), Fitted(mean.Output));
    }

    [Fact]
    public void A_point_missing_a_seed_is_named_instead_of_averaged_over_fewer()
    {
        var grid = Grid().Where(r => r.Name != "Study/model=S/16,seed=3,steps=2500").ToList();
        var result = Fit("--runs", Csv("gap.csv", grid), "--mean-over", "seed");
        Assert.NotEqual(0, result.Code);
        Assert.Contains("point 'Study/model=S/16,steps=2500' has seed = 2, not once each of 2, 3", result.Error);

        var notReplicates = Fit("--runs", Csv("all.csv", Grid()), "--mean-over", "steps");
        Assert.NotEqual(0, notReplicates.Code);
        Assert.Contains("differ in size or compute", notReplicates.Error);
    }

    [Fact]
    public void Runs_of_several_seeds_are_fitted_as_their_mean_and_pooled_only_where_a_point_lacks_a_seed_which_the_fit_says()
    {
        var all = Csv("all.csv", Grid());
        var byDefault = Fit("--runs", all, "--unit", "flops", "--json");
        var mean = Fit("--runs", all, "--unit", "flops", "--json", "--mean-over", "seed");
        Assert.Equal(WithoutNotes(mean.Output), WithoutNotes(byDefault.Output));
        Assert.Equal(16, JsonNode.Parse(byDefault.Output)!["runs"]!.GetValue<int>());
        const string averaged = "The runs hold 2 seeds (2, 3) of every point, and each point is their mean (32 runs, 16 points)";
        Assert.Contains(averaged, Fit("--runs", all, "--unit", "flops").Output.ReplaceLineEndings(" "));
        Assert.DoesNotContain("seeds (", Fit("--runs", all, "--unit", "flops", "--only", "seed=2").Output);

        // A point without seed 3: the runs are pooled, and the fit says that this favours lucky runs and which point.
        var gap = Csv("gap.csv", Grid().Where(r => r.Name != "Study/model=S/16,seed=3,steps=2500"));
        var pooled = Fit("--runs", gap, "--unit", "flops").Output.ReplaceLineEndings(" ");
        Assert.Contains("The runs hold 2 seeds (2, 3), not all of every point (point 'Study/model=S/16,steps=2500' has seed = 2", pooled);
        Assert.Contains("which favours lucky runs", pooled);
        Assert.Contains("31 runs", pooled);

        // The report of a sweep with a seed axis (what `sweep` and `report` write) does the same.
        var (analyses, files) = ScalingReport.Write(Grid(), Path.Combine(dir, "report"), new AnalysisOptions { ComputeUnit = new ComputeUnit.Flops() });
        Assert.Equal(16, analyses[0].Runs.Count);
        Assert.Contains(averaged, File.ReadAllText(files.Single(f => f.EndsWith("report.md", StringComparison.Ordinal))).ReplaceLineEndings(" "));
        var (_, single) = ScalingReport.Write(Grid().Where(r => r.Name.Contains("seed=2,")).ToList(), Path.Combine(dir, "one"), new AnalysisOptions());
        Assert.DoesNotContain("seeds (", File.ReadAllText(single.Single(f => f.EndsWith("report.md", StringComparison.Ordinal))));
    }
}
