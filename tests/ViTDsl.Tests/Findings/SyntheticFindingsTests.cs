using ViTDsl.Experiments.Findings;
using ViTDsl.Runtime.Analysis.Findings;
using ViTDsl.Runtime.Workers;

namespace ViTDsl.Tests.Findings;

// Each finding's analysis on synthetic results over the real study declarations: the answer is known by construction
// (a clear win, a clear loss, a tie within noise; a law the errors were drawn from), so the verdicts are too.
public class SyntheticFindingsTests
{
    private static readonly double[] Jitter = [0.004, -0.003, -0.001];

    private static GeneratedSweepView Study(string name) => new(ExperimentCatalogAccess.Sweeps.Single(s => s.Name == name));

    [Theory]
    [InlineData(0.05, Verdict.Reproduced)]    // uniform decay is 5 points worse at few-shot: the strong head decay helps
    [InlineData(-0.05, Verdict.NotReproduced)] // uniform decay is 5 points better: the claim is contradicted
    [InlineData(0.0, Verdict.Inconclusive)]    // the same up to seed noise
    public void Decoupled_decay_is_judged_by_the_paired_few_shot_difference(double uniformMinusPaper, Verdict expected)
    {
        var study = Study(nameof(FindingStudies.FindingRecipe));
        var trials = study.Trials(t =>
        {
            double fewShot = 0.30 + 0.01 * t.Seed + (t.Label(Labels.Variant) == Labels.UniformDecay ? uniformMinusPaper + Jitter[t.Seed] : 0);
            return new() { ["test/error"] = 0.2, [FewShotMetric.Name] = fewShot };
        });
        var section = RecipeFindings.DecoupledDecay(new FindingInput(study.Sweep, trials, null));
        Assert.Equal(expected, section.Verdict);
        Assert.Equal(3, section.Comparisons.Single().Judgement.Difference.Seeds);
    }

    [Fact]
    public void Pooling_that_matches_within_noise_is_reproduced_and_one_that_is_much_worse_is_not()
    {
        var study = Study(nameof(FindingStudies.FindingRecipe));
        FindingSection Judge(double gapPenalty) => RecipeFindings.Pooling(new FindingInput(study.Sweep, study.Trials(t => new()
        {
            ["test/error"] = 0.20 + 0.01 * t.Seed + 0.1 * Jitter[t.Seed] * (t.Label(Labels.Variant) == Labels.TokenPool ? 1 : -1)
                             + (t.Label(Labels.Variant) == Labels.GapPool ? gapPenalty : 0),
        }), null));
        Assert.Equal(Verdict.Reproduced, Judge(0).Verdict);
        var worse = Judge(0.08);
        Assert.Equal(Verdict.NotReproduced, worse.Verdict);
        Assert.Equal(Verdict.Reproduced, worse.Comparisons[0].Judgement.Verdict); // MAP still matches
    }

    [Fact]
    public void Errors_drawn_from_a_saturating_law_are_predicted_by_the_fit_on_the_cheaper_runs()
    {
        var study = Study(nameof(FindingStudies.FindingScale));
        // E = 0.1 + 40·C^−0.12 over these FLOPs (1e11–1e14), 0.3% multiplicative noise per trial.
        var trials = study.Trials(t => new() { ["test/error"] = (0.1 + 40 * Math.Pow(t.TrainingFlops, -0.12)) * (1 + 0.003 * Math.Sin(t.Name.GetHashCode(StringComparison.Ordinal))) });
        var section = ScaleFindings.ScalingLaw(new FindingInput(study.Sweep, trials, null));
        Assert.Equal(Verdict.Reproduced, section.Verdict);
        Assert.InRange(section.Comparisons.Single().Judgement.Difference.Mean, -0.02, 0.02);
    }

    [Fact]
    public void Larger_models_with_lower_error_at_every_duration_make_sample_efficiency_reproduced()
    {
        var study = Study(nameof(FindingStudies.FindingScale));
        var size = new Dictionary<string, double> { ["f7-w8"] = 0.35, ["f7-w16"] = 0.28, ["f7-w32"] = 0.22 };
        var trials = study.Trials(t => new() { ["test/error"] = size[t.Label(Labels.Model)] * Math.Pow(t.Steps / 100.0, -0.1) + Jitter[t.Seed] / 4 });
        var section = ScaleFindings.SampleEfficiency(new FindingInput(study.Sweep, trials, null));
        Assert.Equal(2, section.Comparisons.Count);
        Assert.Equal(Verdict.Reproduced, section.Verdict);
    }

    [Fact]
    public void Branched_cooldowns_matching_linear_runs_are_reproduced_and_their_measured_compute_is_reported()
    {
        var study = Study(nameof(FindingStudies.FindingSchedules));
        var trials = study.Trials(t => new()
        {
            ["test/error"] = 0.25 - 0.00005 * t.Steps + (t.Label(Labels.Schedule) == Labels.Branched ? 0.001 : 0) + Jitter[t.Seed] / 10,
            [MetricName.TrainFlops] = t.TrainingFlops * (t.Label(Labels.Schedule) == Labels.Branched ? 0.5 : 1),
        });
        var section = ScheduleFinding.Analyse(new FindingInput(study.Sweep, trials, null));
        Assert.Equal(3, section.Comparisons.Count); // one per duration
        Assert.Equal(Verdict.Reproduced, section.Verdict);
        Assert.Contains("50% of the separate linear runs'", Assert.Single(section.Notes));
    }

    [Fact]
    public void The_report_has_a_section_a_verdict_and_a_figure_for_every_finding()
    {
        var scale = Study(nameof(FindingStudies.FindingScale));
        var recipe = Study(nameof(FindingStudies.FindingRecipe));
        var schedules = Study(nameof(FindingStudies.FindingSchedules));
        var inputs = new Dictionary<string, FindingInput>
        {
            [scale.Sweep.Name] = new(scale.Sweep, scale.Trials(t => new() { ["test/error"] = 0.1 + 40 * Math.Pow(t.TrainingFlops, -0.12) + Jitter[t.Seed] / 100 }), "1 s"),
            [recipe.Sweep.Name] = new(recipe.Sweep, recipe.Trials(t => new() { ["test/error"] = 0.2 + Jitter[t.Seed], [FewShotMetric.Name] = 0.3 - Jitter[t.Seed] }), "2 s"),
            [schedules.Sweep.Name] = new(schedules.Sweep, schedules.Trials(t => new() { ["test/error"] = 0.2 + Jitter[t.Seed], [MetricName.TrainFlops] = t.TrainingFlops }), "3 s"),
        };
        var sections = FindingCatalog.All.Select(f => f.Analyse(inputs[f.SweepFor(Precision.Fp32, smoke: false)])).ToList();
        using var folder = new Store.TempFolder();
        var files = FindingsReport.Write(sections, folder.Path, "preamble");
        var markdown = File.ReadAllText(files[0]);
        foreach (var s in sections)
        {
            Assert.Contains($"## {s.Title}", markdown);
            Assert.All(s.Figures, f => Assert.Contains($"![{f.FileName}]({f.FileName})", markdown));
        }
        Assert.Equal(6, markdown.Split("**Verdict: ").Length - 1);
        Assert.Equal(7, files.Count(f => f.EndsWith(".png", StringComparison.Ordinal)));
        Assert.All(files.Skip(1), f => Assert.True(new FileInfo(f).Length > 10_000, $"{f} is too small to be a drawn figure"));
    }
}

/// <summary>A declared study with synthetic final metrics attached to each of its trials.</summary>
internal sealed record GeneratedSweepView(ViTDsl.Runtime.Models.GeneratedSweep Sweep)
{
    public IReadOnlyList<FindingTrial> Trials(Func<FindingTrial, Dictionary<string, double>> metrics) => Sweep.Trials.Select(t =>
    {
        var name = t.Name[(Sweep.Name.Length + 1)..];
        var bare = new FindingTrial(name, FindingTrial.ParseLabels(name), t, new Dictionary<string, double>());
        return bare with { Final = metrics(bare) };
    }).ToList();
}
