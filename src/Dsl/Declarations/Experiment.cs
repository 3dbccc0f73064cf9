namespace ViTDsl;

/// <summary>
/// One experiment: an immutable value. Vary it with <c>with { … }</c>; every field has the paper's default.
/// </summary>
/// <param name="Model">The Vision Transformer to train, e.g. <c>Vit.B(patch: 16)</c>.</param>
public sealed record Experiment(Vit Model)
{
    public Schedule Schedule { get; init; } = Schedule.Paper;
    public long Steps { get; init; } = 1_000_000;
    public Loss Loss { get; init; } = new Loss.Sigmoid();
    public Data Data { get; init; } = new(new DataSet.FashionMnist());
}
