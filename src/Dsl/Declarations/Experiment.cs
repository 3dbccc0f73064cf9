namespace ViTDsl;

/// <summary>
/// One experiment: an immutable value. Vary it with <c>with { … }</c>; every field has the paper's default.
/// </summary>
/// <param name="Model">The Vision Transformer to train, e.g. <c>Vit.B(patch: 16)</c>.</param>
public sealed record Experiment(Vit Model)
{
    /// <summary>Learning-rate (and decoupled-decay) multiplier per step; the paper's warmup → rsqrt → cooldown.</summary>
    public Schedule Schedule { get; init; } = Schedule.Paper;

    /// <summary>Training steps, cooldown included.</summary>
    public long Steps { get; init; } = 1_000_000;

    /// <summary>The loss; the paper's multi-label sigmoid cross-entropy by default.</summary>
    public Loss Loss { get; init; } = new Loss.Sigmoid();

    /// <summary>The training data: set, subset size, batch, seed, augmentation.</summary>
    public Data Data { get; init; } = new(new DataSet.FashionMnist());

    /// <summary>The gradient transformation; the paper's modified Adafactor (bf16 momentum) by default.</summary>
    public Optimizer Optimizer { get; init; } = new Optimizer.Adafactor();

    /// <summary>Decoupled head/body weight decay in units of the learning rate; the paper's 3.0 / 0.03.</summary>
    public WeightDecay WeightDecay { get; init; } = WeightDecay.Paper();

    /// <summary>Global-norm gradient clipping threshold; null disables it. The paper clips at 1.0.</summary>
    public double? GradientClipNorm { get; init; } = 1.0;

    /// <summary>Base learning rate, multiplied by the schedule each step; 8e-4 in the paper's ViT-g recipe.</summary>
    public double LearningRate { get; init; } = 8e-4;

    /// <summary>
    /// Number type of the matrix products (<see cref="ViTDsl.Precision"/>); master weights, optimizer and checkpoints
    /// stay float32 either way. Float32 by default: bfloat16 is fast only on CPUs with AVX512-BF16 or AMX (the paper's
    /// TPUs multiply in bfloat16 by default).
    /// </summary>
    public Precision Precision { get; init; } = Precision.Fp32;
}
