namespace ViTDsl;

/// <summary>The compile-time facts of one experiment, as the generator emits them into its plan.</summary>
public sealed record PlanFacts(long TrunkParameters, long TotalParameters, double ForwardGflops, int TokensPerImage)
{
    /// <summary>Bytes of optimizer state for this experiment's optimizer and model (<see cref="OptimizerMemory"/>).</summary>
    public long OptimizerStateBytes { get; init; }

    /// <summary>What one device holds while training (<see cref="TrainingMemory"/>), at the declared batch per device.</summary>
    public TrainingMemory Memory { get; init; } = new(0, 0, 0, 0, 0);

    /// <summary>Memory of the declared device in bytes (<see cref="long.MaxValue"/> when it is not checked).</summary>
    public long DeviceMemoryBytes { get; init; } = long.MaxValue;

    /// <summary>The largest batch per device that fits the declared device (<see cref="int.MaxValue"/> when unchecked).</summary>
    public int LargestBatchPerDevice { get; init; } = int.MaxValue;

    public static PlanFacts Of(Experiment experiment)
    {
        var m = experiment.Model;
        return new(ParameterCount.Trunk(m), ParameterCount.Total(m), FlopCount.ForwardGflops(m), m.Tokens)
        {
            OptimizerStateBytes = OptimizerMemory.StateBytes(experiment.Optimizer, m),
            Memory = TrainingMemory.Of(experiment),
            DeviceMemoryBytes = experiment.Device.MemoryBytes,
            LargestBatchPerDevice = TrainingMemory.LargestBatchPerDevice(experiment, experiment.Device),
        };
    }
}
