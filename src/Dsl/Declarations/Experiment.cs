namespace ViTDsl;

/// <summary>
/// One experiment: an immutable value. Vary it with <c>with { … }</c>; every field has the paper's default.
/// </summary>
/// <param name="Model">The Vision Transformer to train, e.g. <c>Vit.B(patch: 16)</c>.</param>
public sealed record Experiment(Vit Model)
{
    /// <summary>The gradient transformation; the paper's modified Adafactor (bf16 momentum) by default.</summary>
    public Optimizer Optimizer { get; init; } = new Optimizer.Adafactor();

    /// <summary>Decoupled head/body weight decay in units of the learning rate; the paper's 3.0 / 0.03.</summary>
    public WeightDecay WeightDecay { get; init; } = WeightDecay.Paper();

    /// <summary>Global-norm gradient clipping threshold; null disables it. The paper clips at 1.0.</summary>
    public double? GradientClipNorm { get; init; } = 1.0;

    /// <summary>Base learning rate, multiplied by the schedule each step; 8e-4 in the paper's ViT-g recipe.</summary>
    public double LearningRate { get; init; } = 8e-4;
}
