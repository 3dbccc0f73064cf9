using System;

namespace ViTDsl;

/// <summary>
/// Bytes one device holds while training an experiment (its data-parallel replica, at its share of the batch):
/// weights, gradients, optimizer state, and the activations a step keeps alive, as its <see cref="Execution"/> runs
/// the step (docs/reference.md §9–10).
/// <para>
/// Eager (this runtime): gradient buffers persist between steps (zeroed, not freed), so from the second step on the
/// forward pass builds its activations on top of all the model states: the peak is their sum.
/// </para>
/// <para>
/// XLA: a step is one program whose gradients are values inside it (JAX's <c>value_and_grad</c> then the update, in
/// one <c>jit</c> with the train state donated — big_vision <c>train.py</c>); XLA frees each buffer after its last
/// use, so activations and gradients trade places during the backward pass. The peak is weights + optimizer state +
/// the larger of the activation peak and the gradients alive at once with the activations still needed then
/// (<see cref="ActivationMemory.BackwardBytes"/>). Global-norm clipping (the paper's 1.0) reads every gradient
/// before any update, so all are alive at once; without it each block's update can follow its gradient, and only
/// the largest block's gradients are (the schedule XLA's memory-minimising scheduler may choose, an assumption).
/// </para>
/// </summary>
/// <param name="WeightBytes">Float32 parameters: 4 B each (docs/reference.md §9; paper §3.4: ViT-G ≈ 2B params ≈ 8 GiB).</param>
/// <param name="GradientBytes">Float32 gradients alive at once at the peak: 4 B per parameter (see above for XLA).</param>
/// <param name="OptimizerStateBytes">Exact optimizer state on big_vision's shapes (<see cref="OptimizerMemory"/>).</param>
/// <param name="ActivationBytes">Tensors alive at the step's activation peak (<see cref="ActivationMemory"/>).</param>
/// <param name="BatchPerDevice">Images per device per step: ⌈Batch / DeviceCount⌉.</param>
public sealed record TrainingMemory(long WeightBytes, long GradientBytes, long OptimizerStateBytes, long ActivationBytes, int BatchPerDevice)
{
    public const double BytesPerGiB = 1L << 30;

    /// <summary>Bytes one parameter, gradient or float32 activation element takes.</summary>
    public const int Float32Bytes = 4;

    /// <summary>How the step runs, which decides how the terms add up at the peak.</summary>
    public Execution Execution { get; init; } = Execution.Eager;

    /// <summary>XLA: activations alive next to the gradients when the backward pass reaches the first block (0 eagerly).</summary>
    public long BackwardActivationBytes { get; init; }

    /// <summary>The most the device must hold at any point of a step.</summary>
    public long PeakBytes => Execution.Mode == ExecutionMode.Xla
        ? WeightBytes + OptimizerStateBytes + Math.Max(ActivationBytes, GradientBytes + BackwardActivationBytes)
        : WeightBytes + GradientBytes + OptimizerStateBytes + ActivationBytes;

    /// <summary>Weights, gradients and optimizer state: what does not depend on the batch.</summary>
    public long ModelStateBytes => WeightBytes + GradientBytes + OptimizerStateBytes;

    /// <summary>
    /// The training memory of <paramref name="experiment"/> on one of its devices, in its execution
    /// (<see cref="ExperimentSemantics.ExecutionOf"/>) and with activations at its declared precision (bfloat16
    /// halves them; the float32 weights, gradients and optimizer state stay).
    /// </summary>
    public static TrainingMemory Of(Experiment experiment)
    {
        var m = experiment.Model;
        var execution = experiment.ExecutionOf();
        var elementBytes = experiment.Precision.BytesPerElement();
        var parameters = ParameterCount.Total(m);
        var batch = BatchPerDeviceOf(experiment);
        return new(Float32Bytes * parameters, Float32Bytes * GradientsAliveAtOnce(experiment, execution), OptimizerMemory.StateBytes(experiment.Optimizer, m),
            ActivationMemory.Bytes(m, experiment.Loss, batch, elementBytes, execution), batch)
        {
            Execution = execution,
            BackwardActivationBytes = execution.Mode == ExecutionMode.Xla ? ActivationMemory.BackwardBytes(m, batch, elementBytes, execution) : 0,
        };
    }

    /// <summary>
    /// Gradient elements alive at once: all of them eagerly (persistent buffers) and under XLA with global-norm
    /// clipping; under XLA without it, the largest group that one backward stretch makes before its updates can run
    /// (an encoder block's, or the head's, stem's or embeddings' when larger).
    /// </summary>
    public static long GradientsAliveAtOnce(Experiment experiment, Execution execution)
    {
        var total = ParameterCount.Total(experiment.Model);
        if (execution.Mode == ExecutionMode.Eager || experiment.GradientClipNorm is not null) return total;
        var m = experiment.Model;
        var block = ParameterCount.Block(m);
        return Math.Max(block, total - m.Depth * block);
    }

    /// <summary>Images each device processes per step.</summary>
    public static int BatchPerDeviceOf(Experiment experiment) =>
        (int)Math.Min(int.MaxValue, ((long)experiment.Data.Batch + experiment.DeviceCount - 1) / Math.Max(1, experiment.DeviceCount));

    /// <summary>
    /// The largest batch per device whose training memory fits <paramref name="device"/> (0 when not even one image
    /// fits), in the execution the experiment declares or else the device's, found by bisection since the
    /// activations grow with the batch (linearly, plus batch-independent parts).
    /// </summary>
    public static int LargestBatchPerDevice(Experiment experiment, Accelerator device)
    {
        if (!device.IsMemoryChecked) return int.MaxValue;
        bool Fits(int b) => Of(experiment with { Data = experiment.Data with { Batch = b }, DeviceCount = 1, Device = device }).PeakBytes <= device.MemoryBytes;
        if (!Fits(1)) return 0;
        int low = 1, high = 2;
        while (high < int.MaxValue / 2 && Fits(high)) (low, high) = (high, high * 2);
        while (high - low > 1)
        {
            var mid = low + (high - low) / 2;
            if (Fits(mid)) low = mid; else high = mid;
        }
        return low;
    }

    /// <summary>Bytes as GiB with two decimals, for messages and tables.</summary>
    public static string Gib(long bytes) => (bytes / BytesPerGiB).ToString("0.00", System.Globalization.CultureInfo.InvariantCulture) + " GiB";
}
