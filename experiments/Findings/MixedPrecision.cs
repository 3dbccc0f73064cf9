using ViTDsl.Runtime.Compute;

namespace ViTDsl.Experiments.Findings;

/// <summary>
/// Finds model shapes whose judged trials trained in more than one precision. `findings` decides one precision per shape
/// before a study trains, but a store written before it did (per trial) can hold a shape trained in bf16 on some seeds
/// and in fp32 on others: then a paired difference mixes the precision with the effect it judges, and the report must say so.
/// </summary>
internal static class MixedPrecision
{
    /// <summary>One warning per shape trained in several precisions (none when every shape trained in one).</summary>
    public static IReadOnlyList<string> Warnings(IReadOnlyList<FindingTrial> trials) =>
        trials.Where(t => t.TrainedIn is not null)
            .GroupBy(t => TrialPrecisions.ShapeOf(t.Declaration)) // the unit Precision.Auto decides on
            .Select(shape => (Trials: shape.ToList(), ByPrecision: shape.GroupBy(t => t.TrainedIn!).OrderBy(p => p.Key, StringComparer.Ordinal).ToList()))
            .Where(shape => shape.ByPrecision.Count > 1)
            .Select(shape => $"Warning: the model shape of {ShapeName(shape.Trials[0])} trained in " +
                             string.Join(" and ", shape.ByPrecision.Select(p => $"{p.Key} (seeds {string.Join(", ", p.Select(t => t.Seed).Distinct().Order())})")) +
                             ", so comparisons involving it mix precision with the effect they judge. Rerun the study in a new `--runs` folder: " +
                             "`findings` now decides one precision per shape before a study trains.")
            .ToList();

    private static string ShapeName(FindingTrial trial) =>
        trial.Labels.TryGetValue(Labels.Model, out var model) ? $"`{model}`"
        : trial.Labels.TryGetValue(Labels.Variant, out var variant) ? $"variant `{variant}`"
        : $"`{trial.Name}`";
}
