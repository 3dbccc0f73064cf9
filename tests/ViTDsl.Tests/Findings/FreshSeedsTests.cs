using ViTDsl.Experiments.Findings;

namespace ViTDsl.Tests.Findings;

// The studies that replaced an inconclusive finding's first study say their verdicts rest on data nobody had seen when
// they were declared: that holds only if no other study trains any of their seeds.
public class FreshSeedsTests
{
    private static IReadOnlySet<long> SeedsOf(string study) =>
        ExperimentCatalogAccess.Sweeps.Single(s => s.Name == study).Trials.Select(t => t.Declaration.Data.Seed).ToHashSet();

    [Theory]
    [InlineData(nameof(FindingStudies.FindingSampleEfficiency))]
    [InlineData(nameof(FindingStudies.FindingOptimizers))]
    [InlineData(nameof(FindingStudies.FindingDecay))]
    public void A_replacement_study_trains_only_seeds_that_no_earlier_study_declares(string study)
    {
        string[] earlier = [nameof(FindingStudies.FindingScale), nameof(FindingStudies.FindingScaleLaw), nameof(FindingStudies.FindingRecipe), nameof(FindingStudies.FindingSchedules)];
        var seeds = SeedsOf(study);
        Assert.Equal(10, seeds.Count);
        foreach (var other in earlier) Assert.Empty(seeds.Intersect(SeedsOf(other)));
    }

    [Fact]
    public void The_findings_that_changed_study_read_the_replacements()
    {
        Assert.Equal(nameof(FindingStudies.FindingSampleEfficiency), FindingCatalog.SampleEfficiency.Sweep);
        Assert.Equal(nameof(FindingStudies.FindingOptimizers), FindingCatalog.Optimizers.Sweep);
        Assert.Equal(nameof(FindingStudies.FindingDecay), FindingCatalog.WeightDecay.Sweep);
    }
}
