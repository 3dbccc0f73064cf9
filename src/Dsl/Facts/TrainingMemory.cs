using System;

namespace ViTDsl;

/// <summary>
/// Bytes one device holds while training an experiment (its data-parallel replica, at its share of the batch):
/// weights, gradients, optimizer state, and the activations a step keeps alive. <see cref="PeakBytes"/> is their
/// sum: gradient buffers persist between steps (zeroed, not freed), so from the second step on the forward pass
/// builds its activations on top of all the model states.
/// </summary>
/// <param name="WeightBytes">Float32 parameters: 4 B each (docs/reference.md §9; paper §3.4: ViT-G ≈ 2B params ≈ 8 GiB).</param>
/// <param name="GradientBytes">Float32 gradients: 4 B per parameter.</param>
/// <param name="OptimizerStateBytes">Exact optimizer state on big_vision's shapes (<see cref="OptimizerMemory"/>).</param>
/// <param name="ActivationBytes">Tensors alive at the end of the forward pass (<see cref="ActivationMemory"/>).</param>
/// <param name="BatchPerDevice">Images per device per step: ⌈Batch / DeviceCount⌉.</param>
public sealed record TrainingMemory(long WeightBytes, long GradientBytes, long OptimizerStateBytes, long ActivationBytes, int BatchPerDevice)
{
    public const double BytesPerGiB = 1L << 30;

    /// <summary>Bytes one parameter, gradient or (by default) activation element takes in float32.</summary>
    public const int Float32Bytes = 4;

    /// <summary>Everything at once: the most the device must hold.</summary>
    public long PeakBytes => WeightBytes + GradientBytes + OptimizerStateBytes + ActivationBytes;

    /// <summary>Weights, gradients and optimizer state: what does not depend on the batch.</summary>
    public long ModelStateBytes => WeightBytes + GradientBytes + OptimizerStateBytes;

    /// <summary>
    /// The training memory of <paramref name="experiment"/> on one of its devices. <paramref name="activationElementBytes"/>
    /// is the size of one activation element: 4 for float32 training (all this project does today); bfloat16 training
    /// passes 2 (the activations halve, the float32 weights, gradients and optimizer state do not).
    /// </summary>
    public static TrainingMemory Of(Experiment experiment, int activationElementBytes = Float32Bytes)
    {
        var m = experiment.Model;
        var parameters = ParameterCount.Total(m);
        var batch = BatchPerDeviceOf(experiment);
        return new(Float32Bytes * parameters, Float32Bytes * parameters, OptimizerMemory.StateBytes(experiment.Optimizer, m),
            ActivationMemory.Bytes(m, experiment.Loss, batch, activationElementBytes), batch);
    }

    /// <summary>Images each device processes per step.</summary>
    public static int BatchPerDeviceOf(Experiment experiment) =>
        (int)Math.Min(int.MaxValue, ((long)experiment.Data.Batch + experiment.DeviceCount - 1) / Math.Max(1, experiment.DeviceCount));

    /// <summary>
    /// The largest batch per device whose training memory fits <paramref name="device"/> (0 when not even one image
    /// fits), found by bisection since the activations grow with the batch (linearly, plus batch-independent parts).
    /// </summary>
    public static int LargestBatchPerDevice(Experiment experiment, Accelerator device, int activationElementBytes = Float32Bytes)
    {
        if (!device.IsMemoryChecked) return int.MaxValue;
        bool Fits(int b) => Of(experiment with { Data = experiment.Data with { Batch = b }, DeviceCount = 1 }, activationElementBytes).PeakBytes <= device.MemoryBytes;
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
