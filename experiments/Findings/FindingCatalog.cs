namespace ViTDsl.Experiments.Findings;

/// <summary>The paper's findings that `vitdsl findings` checks, in the report's order, each with its study.</summary>
public static class FindingCatalog
{
    public static IReadOnlyList<Finding> All { get; } =
    [
        new("scaling-law", nameof(FindingStudies.FindingScale), nameof(FindingStudies.SmokeFindingScale), ScaleFindings.ScalingLaw),
        new("sample-efficiency", nameof(FindingStudies.FindingScale), nameof(FindingStudies.SmokeFindingScale), ScaleFindings.SampleEfficiency),
        new("weight-decay", nameof(FindingStudies.FindingRecipe), nameof(FindingStudies.SmokeFindingRecipe), RecipeFindings.DecoupledDecay),
        new("pooling", nameof(FindingStudies.FindingRecipe), nameof(FindingStudies.SmokeFindingRecipe), RecipeFindings.Pooling),
        new("optimizers", nameof(FindingStudies.FindingRecipe), nameof(FindingStudies.SmokeFindingRecipe), RecipeFindings.Optimizers),
        new("schedules", nameof(FindingStudies.FindingSchedules), nameof(FindingStudies.SmokeFindingSchedules), ScheduleFinding.Analyse),
    ];

    /// <summary>The findings named (all when none is), or an error listing the names there are.</summary>
    public static IReadOnlyList<Finding> Select(IReadOnlyList<string> names)
    {
        if (names.Count == 0) return All;
        var unknown = names.Where(n => All.All(f => f.Name != n)).ToList();
        if (unknown.Count > 0)
            throw new Cli.UsageException($"no finding is named '{unknown[0]}'; the findings are {string.Join(", ", All.Select(f => f.Name))}");
        return All.Where(f => names.Contains(f.Name)).ToList();
    }
}
