using ViTDsl.Experiments.Findings;

namespace ViTDsl.Tests.Findings;

// A store written before `findings` decided one precision per shape can hold a shape trained in two; the report must
// name that shape and its seeds, and say nothing when every shape trained in one precision.
public class MixedPrecisionTests
{
    private static IReadOnlyList<FindingTrial> ScaleTrials(Func<FindingTrial, string> precision) =>
        new GeneratedSweepView(ExperimentCatalogAccess.Sweeps.Single(s => s.Name == nameof(FindingStudies.FindingSampleEfficiency)))
            .Trials(_ => new() { ["test/error"] = 0.2 })
            .Select(t => t with { TrainedIn = precision(t) }).ToList();

    [Fact]
    public void A_shape_trained_in_bf16_on_one_seed_and_fp32_on_the_others_is_named_with_its_seeds()
    {
        var trials = ScaleTrials(t => t.Label(Labels.Model) == "fashion7-w40d2" && t.Seed == 11 ? "bf16" : "fp32");
        var warning = Assert.Single(MixedPrecision.Warnings(trials));
        Assert.Contains("`fashion7-w40d2` trained in bf16 (seeds 11) and fp32 (seeds 10, 12)", warning);
    }

    [Fact]
    public void Shapes_each_trained_in_one_precision_give_no_warning_even_when_the_precisions_differ_between_shapes()
    {
        var trials = ScaleTrials(t => t.Label(Labels.Model) == "fashion7-w64d2" ? "bf16" : "fp32");
        Assert.Empty(MixedPrecision.Warnings(trials));
    }
}
