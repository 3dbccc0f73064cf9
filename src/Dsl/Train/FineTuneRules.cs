using System.Collections.Generic;

namespace ViTDsl;

/// <summary>
/// Rules for <see cref="Experiment.StartFrom"/>: a fine-tune reuses the upstream trunk, so every trunk dimension must
/// match; only the image size (hence the token grid) and the classifier may change.
/// </summary>
internal static class FineTuneRules
{

    public static IReadOnlyList<Problem> Check(Experiment experiment)
    {
        var problems = new List<Problem>();
        if (experiment.StartFrom is not { } upstream) return problems;
        var (m, u) = (experiment.Model, upstream.Model);
        foreach (var (name, mine, theirs) in new[]
                 {
                     (nameof(Vit.Patch), m.Patch, u.Patch), (nameof(Vit.Width), m.Width, u.Width), (nameof(Vit.Depth), m.Depth, u.Depth),
                     (nameof(Vit.Mlp), m.Mlp, u.Mlp), (nameof(Vit.Heads), m.Heads, u.Heads), (nameof(Vit.Channels), m.Channels, u.Channels),
                 })
            if (mine != theirs)
                problems.Add(new(DiagnosticKinds.TrunkMismatch.Id, nameof(Experiment.StartFrom),
                    $"StartFrom's model has {name} {theirs} but this model has {name} {mine}; a fine-tune keeps the upstream trunk " +
                    $"(patch, width, depth, MLP, heads, channels, pooling) and may change only the image size and the classifier. " +
                    $"Write Model = <upstream model> with {{ Image = …, Classifier = … }}."));
        if (m.Pool.GetType() != u.Pool.GetType())
            problems.Add(new(DiagnosticKinds.TrunkMismatch.Id, nameof(Experiment.StartFrom),
                $"StartFrom's model pools with {u.Pool.GetType().Name} but this model with {m.Pool.GetType().Name}; keep the upstream pooling."));
        if (m.PreLogits != u.PreLogits)
            problems.Add(new(DiagnosticKinds.TrunkMismatch.Id, nameof(Experiment.StartFrom),
                $"StartFrom's model has PreLogits {u.PreLogits?.ToString() ?? "none"} but this model {m.PreLogits?.ToString() ?? "none"}; keep the upstream's."));
        return problems;
    }
}
