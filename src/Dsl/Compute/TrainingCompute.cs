namespace ViTDsl;

/// <summary>
/// The compute a training run spends, in FLOPs: training FLOPs per image (three forward passes,
/// <see cref="FlopCount.TrainingGflopsPerImage"/>) times images seen. Converts to device time so runs here can be set
/// beside the paper's TPUv3 core-days.
/// </summary>
/// <param name="Flops">Total training floating-point operations.</param>
public sealed record TrainingCompute(double Flops)
{
    private const double SecondsPerDay = 86_400;

    /// <summary>Compute of training <paramref name="model"/> on <paramref name="imagesSeen"/> images (steps × batch).</summary>
    public static TrainingCompute Of(Vit model, long imagesSeen)
    {
        if (imagesSeen < 0)
            throw new System.ArgumentOutOfRangeException(nameof(imagesSeen), imagesSeen,
                "Images seen must be zero or positive (steps × batch size).");
        return new(FlopCount.TrainingGflopsPerImage(model) * 1e9 * imagesSeen);
    }

    /// <summary>Compute of an experiment's model trained on <paramref name="imagesSeen"/> images.</summary>
    public static TrainingCompute Of(Experiment experiment, long imagesSeen) => Of(experiment.Model, imagesSeen);

    /// <summary>Seconds this compute takes on one <paramref name="device"/> at its sustained rate.</summary>
    public double DeviceSeconds(Accelerator device)
    {
        if (!(device.SustainedFlopsPerSecond > 0))
            throw new System.ArgumentException(
                $"Accelerator '{device.Name}' has no positive sustained FLOP/s (peak {device.PeakFlopsPerSecond}, utilization {device.Utilization}); give both as positive numbers.",
                nameof(device));
        return Flops / device.SustainedFlopsPerSecond;
    }

    /// <summary>Device-days (e.g. TPUv3 core-days with <see cref="Accelerator.TpuV3Core"/>).</summary>
    public double DeviceDays(Accelerator device) => DeviceSeconds(device) / SecondsPerDay;

    /// <summary>The paper's unit: TPUv3 core-days at peak.</summary>
    public double TpuV3CoreDays => DeviceDays(Accelerator.TpuV3Core);

    /// <summary>Compute from device-days, the inverse of <see cref="DeviceDays"/> (e.g. to place the paper's points).</summary>
    public static TrainingCompute FromDeviceDays(double days, Accelerator device) =>
        new(days * SecondsPerDay * device.SustainedFlopsPerSecond);
}
