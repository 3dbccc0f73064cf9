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
    internal void Decoupled_decay_is_judged_by_the_paired_few_shot_difference(double uniformMinusPaper, Verdict expected)
    {
        var study = Study(nameof(FindingStudies.FindingDecay));
        var trials = study.Trials(t =>
        {
            double fewShot = 0.30 + 0.01 * (t.Seed % 10) + (t.Label(Labels.Variant) == Labels.UniformDecay ? uniformMinusPaper + Jitter[t.Seed % 10] : 0);
            return new() { ["test/error"] = 0.2, [FewShotMetric.Name] = fewShot };
        });
        var section = FindingCatalog.WeightDecay.Judge(new FindingInput(study.Sweep, trials, null) { Untrained = Untrained(trials, fewShot: 0.60) });
        Assert.Equal(expected, section.Verdict);
        Assert.Equal(3, section.Comparisons.Single().Judgement.Difference.Seeds);
    }

    // The paper-recipe trials as their untrained weights would score: the given few-shot error on every seed.
    private static IReadOnlyList<FindingTrial> Untrained(IReadOnlyList<FindingTrial> trials, double fewShot) =>
        trials.Where(t => t.Label(Labels.Variant) == Labels.Paper).Select(t => t with { Final = new Dictionary<string, double> { [FewShotMetric.Name] = fewShot } }).ToList();

    [Theory]
    [InlineData(0.37, Verdict.NotTestable)] // training gains 5–7 points on the target: too little to tell learned features from random ones
    [InlineData(0.45, Verdict.Reproduced)]  // it gains 13–15 points: the target counts, and the head-decay effect is judged
    [InlineData(null, Verdict.NotTestable)] // the untrained weights were never probed
    internal void The_weight_decay_claim_is_judged_only_on_a_target_where_training_beats_the_untrained_weights_by_10_points(double? untrainedError, Verdict expected)
    {
        var study = Study(nameof(FindingStudies.FindingDecay));
        var trials = study.Trials(t => new()
        {
            ["test/error"] = 0.2,
            [FewShotMetric.Name] = 0.30 + 0.01 * (t.Seed % 10) + (t.Label(Labels.Variant) == Labels.UniformDecay ? 0.05 + Jitter[t.Seed % 10] : 0),
        });
        var input = new FindingInput(study.Sweep, trials, null) { Untrained = untrainedError is double u ? Untrained(trials, u) : [] };
        var section = FindingCatalog.WeightDecay.Judge(input);
        Assert.Equal(expected, section.Verdict);
        Assert.Equal("fewshot/fashion_mnist_classes_6_7_8_9/10shot_error", FewShotMetric.Name);
    }

    [Fact]
    public void Pooling_that_matches_within_noise_is_reproduced_and_one_that_is_much_worse_is_not()
    {
        var study = Study(nameof(FindingStudies.FindingRecipe));
        FindingSection Judge(double gapPenalty) => FindingCatalog.Pooling.Judge(new FindingInput(study.Sweep, study.Trials(t => new()
        {
            ["test/error"] = 0.20 + 0.01 * (t.Seed % 10) + 0.1 * Jitter[t.Seed % 10] * (t.Label(Labels.Variant) == Labels.TokenPool ? 1 : -1)
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
        var study = Study(nameof(FindingStudies.FindingScaleLaw));
        // E = 0.1 + 40·C^−0.12 over these FLOPs (1.4e11–7.2e12), 0.3% multiplicative noise per trial.
        var trials = study.Trials(t => new() { ["test/error"] = (0.1 + 40 * Math.Pow(t.TrainingFlops, -0.12)) * (1 + 0.003 * Math.Sin(t.Name.GetHashCode(StringComparison.Ordinal))) });
        var section = FindingCatalog.ScalingLaw.Judge(new FindingInput(study.Sweep, trials, null));
        Assert.Equal(Verdict.Reproduced, section.Verdict);
        Assert.InRange(section.Comparisons.Single().Judgement.Difference.Mean, 0, 0.02);
    }

    [Fact]
    public void A_law_that_misses_by_30_percent_in_alternating_directions_is_not_reproduced()
    {
        // A steep law (E = 0.001 + 7.6e25/C², the declared computes 1.3–1.7× apart at the top) keeps every run on its
        // seed's Pareto frontier even 30% off it. Each seed's two
        // most expensive runs lie 30% above the law (even seeds) or 30% below it (odd seeds): signed errors would
        // average to about zero over seeds, absolute log errors are 0.26 and 0.36, far above the 10% bound.
        var study = Study(nameof(FindingStudies.FindingScaleLaw));
        var plain = study.Trials(t => new() { ["test/error"] = 0.001 + 7.6e25 / (t.TrainingFlops * t.TrainingFlops) });
        var heldOut = plain.GroupBy(t => t.Seed).SelectMany(g => g.OrderByDescending(t => t.TrainingFlops).Take(ScaleFindings.HeldOut)).Select(t => t.Name).ToHashSet();
        var trials = plain.Select(t => t with { Final = new Dictionary<string, double>
        {
            ["test/error"] = t.TestError * (heldOut.Contains(t.Name) ? (t.Seed % 2 == 0 ? 1.3 : 0.7) : 1),
        } }).ToList();
        var section = FindingCatalog.ScalingLaw.Judge(new FindingInput(study.Sweep, trials, null));
        Assert.Equal(Verdict.NotReproduced, section.Verdict);
        Assert.InRange(section.Comparisons.Single().Judgement.Difference.Mean, 0.2, 0.4);
        Assert.Equal(3, section.Comparisons.Single().Judgement.Difference.Seeds); // every seed judged: its frontier kept its runs
    }

    [Fact]
    public void A_study_whose_frontiers_are_too_short_for_the_law_rule_is_not_testable_rather_than_judged()
    {
        // Only the smallest model's runs: 5 frontier points per seed, fewer than the 8 fitted + 2 held out the rule needs.
        var study = Study(nameof(FindingStudies.FindingScaleLaw));
        var trials = study.Trials(t => new() { ["test/error"] = 0.1 + 40 * Math.Pow(t.TrainingFlops, -0.12) }).Where(t => t.Label(Labels.Model) == "fashion7-w24d2").ToList();
        var section = FindingCatalog.ScalingLaw.Judge(new FindingInput(study.Sweep, trials, null));
        Assert.Equal(Verdict.NotTestable, section.Verdict);
        Assert.Empty(section.Comparisons);
        Assert.Contains("the frontiers have 5, 5, 5", section.NotTestableBecause);
    }

    [Fact]
    public void Larger_models_with_lower_error_at_every_duration_make_sample_efficiency_reproduced()
    {
        var study = Study(nameof(FindingStudies.FindingSampleEfficiency));
        var size = new Dictionary<string, double> { ["fashion7-w24d2"] = 0.20, ["fashion7-w40d2"] = 0.17, ["fashion7-w64d2"] = 0.15 };
        var trials = study.Trials(t => new() { ["test/error"] = size[t.Label(Labels.Model)] * Math.Pow(t.Steps / 100.0, -0.1) + Jitter[t.Seed % 10] / 4 });
        var section = FindingCatalog.SampleEfficiency.Judge(new FindingInput(study.Sweep, trials, null));
        Assert.Equal(2, section.Comparisons.Count); // one per pair of adjacent sizes
        Assert.Equal(Verdict.Reproduced, section.Verdict);
    }

    [Fact]
    public void Branched_cooldowns_matching_linear_runs_are_reproduced_and_their_measured_compute_is_reported()
    {
        var study = Study(nameof(FindingStudies.FindingSchedules));
        var trials = study.Trials(t => new()
        {
            ["test/error"] = 0.25 - 0.00005 * t.Steps + (t.Label(Labels.Schedule) == Labels.Branched ? 0.001 : 0) + Jitter[t.Seed % 10] / 10,
            [MetricName.TrainFlops] = t.TrainingFlops * (t.Label(Labels.Schedule) == Labels.Branched ? 0.5 : 1),
        });
        var section = FindingCatalog.Schedules.Judge(new FindingInput(study.Sweep, trials, null));
        Assert.Equal(3, section.Comparisons.Count); // one per duration
        Assert.Equal(Verdict.Reproduced, section.Verdict);
        Assert.Contains("50% of the separate linear runs'", Assert.Single(section.Notes));
    }

    [Fact]
    public void The_report_has_a_section_a_verdict_and_a_figure_for_every_finding()
    {
        var scale = Study(nameof(FindingStudies.FindingSampleEfficiency));
        var law = Study(nameof(FindingStudies.FindingScaleLaw));
        var recipe = Study(nameof(FindingStudies.FindingRecipe));
        var optimizers = Study(nameof(FindingStudies.FindingOptimizers));
        var decay = Study(nameof(FindingStudies.FindingDecay));
        var schedules = Study(nameof(FindingStudies.FindingSchedules));
        var inputs = new Dictionary<string, FindingInput>
        {
            [scale.Sweep.Name] = new(scale.Sweep, scale.Trials(t => new() { ["test/error"] = 0.1 + 40 * Math.Pow(t.TrainingFlops, -0.12) + Jitter[t.Seed % 10] / 100 }), "1 s"),
            [law.Sweep.Name] = new(law.Sweep, law.Trials(t => new() { ["test/error"] = 0.1 + 40 * Math.Pow(t.TrainingFlops, -0.12) + Jitter[t.Seed % 10] / 100 }), "4 s"),
            [recipe.Sweep.Name] = new(recipe.Sweep, recipe.Trials(t => new() { ["test/error"] = 0.2 + Jitter[t.Seed % 10], [FewShotMetric.Name] = 0.3 - Jitter[t.Seed % 10] }), "2 s")
            {
                Untrained = recipe.Trials(t => new() { [FewShotMetric.Name] = 0.6 }).Where(t => t.Label(Labels.Variant) == Labels.Paper).ToList(),
            },
            [decay.Sweep.Name] = new(decay.Sweep, decay.Trials(t => new() { ["test/error"] = 0.2 + Jitter[t.Seed % 10], [FewShotMetric.Name] = 0.3 - Jitter[t.Seed % 10] }), "6 s")
            {
                Untrained = decay.Trials(t => new() { [FewShotMetric.Name] = 0.6 }).Where(t => t.Label(Labels.Variant) == Labels.Paper).ToList(),
            },
            [optimizers.Sweep.Name] = new(optimizers.Sweep, optimizers.Trials(t => new() { ["test/error"] = 0.14 + Jitter[t.Seed % 10] }), "5 s"),
            [schedules.Sweep.Name] = new(schedules.Sweep, schedules.Trials(t => new() { ["test/error"] = 0.2 + Jitter[t.Seed % 10], [MetricName.TrainFlops] = t.TrainingFlops }), "3 s"),
        };
        var sections = FindingCatalog.All.Select(f => f.Judge(inputs[f.SweepFor(Precision.Auto, smoke: false)])).ToList();
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
    // The first three declared seeds (a pilot's worth: 0–2 or 10–12), which the tests' per-seed jitter covers.
    public IReadOnlyList<FindingTrial> Trials(Func<FindingTrial, Dictionary<string, double>> metrics) => Sweep.Trials.Where(t => t.Declaration.Data.Seed % 10 < 3).Select(t =>
    {
        var name = t.Name[(Sweep.Name.Length + 1)..];
        var bare = new FindingTrial(name, FindingTrial.ParseLabels(name), t, new Dictionary<string, double>());
        return bare with { Final = metrics(bare) };
    }).ToList();
}
