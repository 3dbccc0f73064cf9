namespace ViTDsl.Runtime.Probe;

/// <summary>The largest batch per device that trains a shape on one device (0: not even one image fits).</summary>
internal sealed record DeviceBatch(string Device, double MemoryGiB, int LargestBatch);

/// <summary>
/// What the build knows about one shape of the shape study, from the same formulas the generator uses
/// (<see cref="ParameterCount"/>, <see cref="FlopCount"/>, <see cref="TrainingMemory"/>): its size, its cost per
/// image, its training memory at the studied batch per device, and the largest batch each device holds.
/// </summary>
internal sealed record ShapeFacts(
    string Name, Vit Model, long Parameters, double ForwardGflopsPerImage, TrainingMemory Memory, IReadOnlyList<DeviceBatch> Devices)
{
    /// <summary>
    /// Facts of <paramref name="shape"/> trained with <paramref name="optimizer"/> at <paramref name="batchPerDevice"/>
    /// images per device in <paramref name="precision"/> (bf16 halves the activations, not the float32 states): the
    /// memory on the first of <paramref name="devices"/> in its execution, the largest batch on each in its own.
    /// </summary>
    public static ShapeFacts Of(ProbeShape shape, Optimizer optimizer, int batchPerDevice, Precision precision, IReadOnlyList<Accelerator> devices)
    {
        var experiment = ExperimentOf(shape.Model, optimizer, batchPerDevice, precision);
        var planned = devices.Count > 0 ? experiment with { Device = devices[0] } : experiment;
        return new(shape.Name, shape.Model, ParameterCount.Total(shape.Model), FlopCount.ForwardGflops(shape.Model),
            TrainingMemory.Of(planned),
            devices.Select(d => new DeviceBatch(d.Name, d.MemoryGiB, TrainingMemory.LargestBatchPerDevice(experiment, d))).ToList());
    }

    /// <summary>The one-device training experiment the study plans and measures for a shape.</summary>
    public static Experiment ExperimentOf(Vit model, Optimizer optimizer, int batchPerDevice, Precision precision = Precision.Fp32) => new(model)
    {
        Optimizer = optimizer,
        Precision = precision,
        Data = new ViTDsl.Data(new DataSet.FashionMnist()) { Batch = batchPerDevice },
    };
}
