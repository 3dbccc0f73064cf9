using ViTDsl.Runtime.Analysis.Findings;
using ViTDsl.Runtime.Models;

namespace ViTDsl.Experiments.Findings;

/// <summary>
/// The paper's findings that `vitdsl findings` checks, in the report's order, each with its study and its protocol:
/// claim, metric, rule, margin and the number of comparisons, fixed before the study's data (see <see cref="Finding.ProtocolFor"/>).
/// </summary>
internal static class FindingCatalog
{
    private const string PerSeed = "per seed, paired over the seeds both trials finished";

    public static Finding ScalingLaw { get; } = new("scaling-law", nameof(FindingStudies.FindingScaleLaw), nameof(FindingStudies.SmokeFindingScale), ScaleFindings.ScalingLaw)
    {
        Claim = "Test error as a function of training compute follows E = a(C + d)^−b + c, and a fit on the cheaper runs predicts the more expensive ones (paper §2, Fig. 2 left).",
        Metric = $"per seed, the mean absolute log error |ln(predicted/observed)| of E = a(C + d)^−b + c fitted on the seed's test-error Pareto frontier without its {ScaleFindings.HeldOut} most expensive runs " +
                 $"(at least {ScaleFindings.FittedPoints} fitted points, else the seed is not judged), in predicting those runs",
        Rule = new VerdictRule.Below(ScaleFindings.PredictionBound),
        Parts = _ => 1,
        PlanningMargin = ScaleFindings.PredictionBound,
    };

    public static Finding SampleEfficiency { get; } = new("sample-efficiency", nameof(FindingStudies.FindingSampleEfficiency), nameof(FindingStudies.SmokeFindingScale), ScaleFindings.SampleEfficiency)
    {
        Claim = "At the same number of images seen, larger models reach a lower error (paper §2, Fig. 2 right).",
        Metric = $"test error of each model size − the next larger one's, averaged over the durations both finished, {PerSeed}",
        Rule = new VerdictRule.Better(),
        Parts = study => AxisSize(study, Labels.Model) - 1,
        PlanningMargin = 0.01, // one point of test error: the smallest gain between adjacent sizes worth resolving
    };

    public static Finding WeightDecay { get; } = new("weight-decay", nameof(FindingStudies.FindingDecay), nameof(FindingStudies.SmokeFindingRecipe), RecipeFindings.DecoupledDecay)
    {
        Claim = "A weight decay on the head much larger than on the body (head 3.0, body 0.03, in units of the learning rate) improves " +
                "few-shot transfer, even where it does not improve upstream error (paper §3.1, Fig. 6).",
        Metric = $"{FewShotMetric.Describe}: head decay 0.03 − head decay 3.0, {PerSeed}; judged only where the trained paper-recipe upstream's " +
                 $"{FewShotMetric.Shots}-shot error is on average at least {RecipeFindings.TargetGain:0.00} below its own untrained weights' (else the target cannot tell learned features from random ones)",
        Rule = new VerdictRule.Better(),
        UntrainedBaseline = t => t.Label(Labels.Variant) == Labels.Paper,
        Parts = _ => 1,
        PlanningMargin = RecipeFindings.MatchMargin, // two points of few-shot error
    };

    public static Finding Pooling { get; } = new("pooling", nameof(FindingStudies.FindingRecipe), nameof(FindingStudies.SmokeFindingRecipe), RecipeFindings.Pooling)
    {
        Claim = "Multihead attention pooling (MAP) and global average pooling (GAP) reach the [class] token's accuracy without its extra token (paper §3.2, Fig. 5).",
        Metric = $"test error: MAP − class token and GAP − class token, {PerSeed}",
        Rule = new VerdictRule.Matches(RecipeFindings.MatchMargin),
        Parts = _ => 2,
        PlanningMargin = RecipeFindings.MatchMargin,
    };

    public static Finding Optimizers { get; } = new("optimizers", nameof(FindingStudies.FindingOptimizers), nameof(FindingStudies.SmokeFindingRecipe), RecipeFindings.Optimizers)
    {
        Claim = "Adam with its first moment in bfloat16, and the paper's modified Adafactor, reach Adam's accuracy with a fraction of its optimizer-state memory (paper §3.4).",
        Metric = $"test error: modified Adafactor − Adam and Adam with bf16 momentum − Adam, {PerSeed}",
        Rule = new VerdictRule.Matches(RecipeFindings.MatchMargin),
        Parts = _ => 2,
        PlanningMargin = RecipeFindings.MatchMargin,
    };

    public static Finding Schedules { get; } = new("schedules", nameof(FindingStudies.FindingSchedules), nameof(FindingStudies.SmokeFindingSchedules), ScheduleFinding.Analyse)
    {
        Claim = "Cooldowns of several lengths branched off one rsqrt (\"infinite\") run reach the error of separate runs with a linear decay of the same lengths, " +
                "at a fraction of the compute (paper §3.5, Fig. 7).",
        Metric = $"test error at each duration: rsqrt with a branched cooldown − a separate run with linear decay, {PerSeed}",
        Rule = new VerdictRule.Matches(RecipeFindings.MatchMargin),
        Parts = study => AxisSize(study, Labels.Steps),
        PlanningMargin = RecipeFindings.MatchMargin,
    };

    public static IReadOnlyList<Finding> All { get; } = [ScalingLaw, SampleEfficiency, WeightDecay, Pooling, Optimizers, Schedules];

    /// <summary>The findings named (all when none is), or an error listing the names there are.</summary>
    public static IReadOnlyList<Finding> Select(IReadOnlyList<string> names)
    {
        if (names.Count == 0) return All;
        var unknown = names.Where(n => All.All(f => f.Name != n)).ToList();
        if (unknown.Count > 0)
            throw new ViTDsl.Cli.UsageException($"no finding is named '{unknown[0]}'; the findings are {string.Join(", ", All.Select(f => f.Name))}");
        return All.Where(f => names.Contains(f.Name)).ToList();
    }

    // Distinct labels of an axis over the study's trials.
    private static int AxisSize(GeneratedSweep study, string axis) =>
        study.Trials.Select(t => FindingTrial.ParseLabels(t.Name[(study.Name.Length + 1)..])[axis]).Distinct().Count();
}
