namespace ViTDsl;

/// <summary>How a device runs a training step: eagerly, op by op, or as one compiled program.</summary>
public enum ExecutionMode
{
    /// <summary>
    /// Op by op, as this runtime (TorchSharp/libtorch) runs it: every activation the backward pass needs stays alive
    /// until it is used, and the gradient buffers persist between steps (zeroed, not freed), so the step's peak is
    /// weights + gradients + optimizer state + activations.
    /// </summary>
    Eager,

    /// <summary>
    /// One XLA program per step, as JAX/big_vision on a TPU (docs/reference.md §10): arrays are tiled so the token axis
    /// is padded to a multiple of 128 (paper §3.2); attention is plain softmax(QKᵀ)V, whose probabilities are kept for
    /// the backward pass; gradients are values inside the program, alive from the backward pass that makes them until
    /// the update that reads them (XLA frees every buffer after its last use).
    /// </summary>
    Xla,
}

/// <summary>What a training step recomputes instead of keeping between its forward and backward pass.</summary>
public enum Rematerialisation
{
    /// <summary>Nothing: every activation the backward pass needs is kept.</summary>
    None,

    /// <summary>
    /// Each encoder block keeps only its input; its backward pass first runs its forward again (big_vision's
    /// <c>nn.remat</c> over the scanned block with the <c>nothing_saveable</c> policy; this runtime: <c>Rematerialised</c>).
    /// </summary>
    EncoderBlock,
}

/// <summary>
/// How one device executes a step, which decides what its memory holds at the peak (<see cref="TrainingMemory"/>).
/// Every <see cref="Accelerator"/> preset carries its own (TPUs: <see cref="Xla"/>; GPUs and CPUs: <see cref="Eager"/>,
/// what this runtime does); an experiment overrides it with <see cref="Experiment.Execution"/>.
/// </summary>
/// <param name="Mode">Eager (op by op) or compiled to one XLA program.</param>
public sealed record Execution(ExecutionMode Mode)
{
    /// <summary>What the step recomputes rather than keeps; nothing by default.</summary>
    public Rematerialisation Rematerialisation { get; init; } = Rematerialisation.None;

    /// <summary>This runtime's eager step, keeping every activation.</summary>
    public static Execution Eager => new(ExecutionMode.Eager);

    /// <summary>
    /// XLA on a TPU, rematerialising each encoder block: big_vision's ViT remats its scanned blocks
    /// (<c>remat_policy="nothing_saveable"</c>), and XLA's own rematerialisation pass recomputes values when a TPU
    /// program would not fit its memory otherwise (docs/reference.md §10).
    /// </summary>
    public static Execution Xla => new(ExecutionMode.Xla) { Rematerialisation = Rematerialisation.EncoderBlock };

    /// <summary>The multiple the token axis is padded to: 128 in a TPU's tiled layout (paper §3.2), 1 eagerly.</summary>
    public int TokenMultiple => Mode == ExecutionMode.Xla ? 128 : 1;

    /// <summary>Tokens as the device lays them out: <paramref name="tokens"/> rounded up to <see cref="TokenMultiple"/>.</summary>
    public int PaddedTokens(int tokens) => (tokens + TokenMultiple - 1) / TokenMultiple * TokenMultiple;

    /// <summary>
    /// Training FLOPs relative to a step that keeps everything: a step is about 3 forward passes (forward, and twice
    /// that backward), and rematerialising the blocks adds one forward pass of them (the stem and head are negligible).
    /// </summary>
    public double TrainingFlopsFactor => Rematerialisation == Rematerialisation.EncoderBlock ? 4.0 / 3.0 : 1.0;

    /// <summary>"eager" or "xla", with "+ remat per block" when it rematerialises.</summary>
    public string Label => (Mode == ExecutionMode.Xla ? "xla" : "eager") + (Rematerialisation == Rematerialisation.EncoderBlock ? " + remat per block" : "");
}
