namespace ViTDsl;

/// <summary>The compile-time facts of one experiment, as the generator emits them into its plan.</summary>
public sealed record PlanFacts(long TrunkParameters, long TotalParameters, double ForwardGflops, int TokensPerImage)
{
    /// <summary>Bytes of optimizer state for this experiment's optimizer and model (<see cref="OptimizerMemory"/>).</summary>
    public long OptimizerStateBytes { get; init; }

    public static PlanFacts Of(Experiment experiment)
    {
        var m = experiment.Model;
        return new(ParameterCount.Trunk(m), ParameterCount.Total(m), FlopCount.ForwardGflops(m), m.Tokens)
        {
            OptimizerStateBytes = OptimizerMemory.StateBytes(experiment.Optimizer, m),
        };
    }
}
