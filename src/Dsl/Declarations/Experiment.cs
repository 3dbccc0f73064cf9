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
    /// Fine-tuning (paper §3, its headline results): start from the final weights of this upstream experiment's run
    /// instead of from scratch. The trunk must have the upstream's shape; the image size may differ (the position
    /// embedding is resampled bilinearly to the new grid, as big_vision's <c>resample_posemb</c>) and the classifier
    /// is new (zero kernel). The upstream may be an outside checkpoint: <c>StartFrom = Experiment.FromFile("vit.safetensors",
    /// WeightNames.Timm, Vit.B(16) with { Image = 224, Classifier = new(1000) })</c>. Null: train from scratch.
    /// </summary>
    public Experiment? StartFrom { get; init; }

    /// <summary>
    /// Where this experiment's final weights come from when not from its own training: an outside file (timm, big_vision
    /// or ViTDsl names). Such an experiment is only an upstream for <see cref="StartFrom"/> and is never trained. Null:
    /// its own run.
    /// </summary>
    public WeightsFile? Weights { get; init; }

    /// <summary>
    /// An outside checkpoint as an upstream for <see cref="StartFrom"/>: <paramref name="model"/> is the shape the file
    /// holds (its image size and classifier as trained), <paramref name="names"/> how its tensors are named.
    /// </summary>
    public static Experiment FromFile(string path, WeightNames names, Vit model) => new(model) { Weights = new WeightsFile(path, names) };

    /// <summary>
    /// Few-shot transfer targets probed on the frozen features after training (and at each periodic evaluation): by
    /// default the upstream test split and MNIST digits, 1/5/10/25 shots, 3 seeds, as the paper. Null: no probes.
    /// </summary>
    public FewShot? FewShot { get; init; } = new();

    /// <summary>
    /// The device one replica trains on, e.g. <c>Accelerator.TpuV3Core</c>; the build fails when the training
    /// memory (<see cref="TrainingMemory"/>) does not fit it. This machine's CPU by default, whose memory is not checked.
    /// </summary>
    public Accelerator Device { get; init; } = Accelerator.ThisCpuFp32;

    /// <summary>
    /// Data-parallel devices sharing each batch: each holds a full replica of weights, gradients and optimizer state
    /// and ⌈Batch / DeviceCount⌉ images (the paper's ViT-g: 16,384 images on 512 TPUv3 cores, 32 per core).
    /// </summary>
    public int DeviceCount { get; init; } = 1;

    /// <summary>
    /// How each device runs a step (<see cref="ViTDsl.Execution"/>: eager or XLA, and what it rematerialises); null
    /// takes the device's own (<see cref="Accelerator.Execution"/>: XLA on the TPU presets, eager elsewhere). Its
    /// rematerialisation is what this runtime does too; it changes memory and time, never the numbers.
    /// </summary>
    public Execution? Execution { get; init; }

    /// <summary>
    /// Number type of the matrix products (<see cref="ViTDsl.Precision"/>); master weights, optimizer and checkpoints
    /// stay float32 either way. Float32 by default: bfloat16 is fast only on CPUs with AVX512-BF16 or AMX (the paper's
    /// TPUs multiply in bfloat16 by default).
    /// </summary>
    public Precision Precision { get; init; } = Precision.Fp32;

    /// <summary>
    /// When the run measures test error during training (its learning curve, for <c>fit --curve</c>): 12 evaluations
    /// log-spaced over the last two decades of steps by default. They do not change the training numbers.
    /// </summary>
    public Evaluations Evaluations { get; init; } = Evaluations.Default;
}
