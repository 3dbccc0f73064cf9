using System.Diagnostics;
using ViTDsl.Runtime.Models;
using ViTDsl.Runtime.Optim;
using ViTDsl.Runtime.Train;
using static TorchSharp.torch;

namespace ViTDsl.Runtime.Probe;

/// <summary>
/// One shape measured on this machine in fp32: the peak memory a training step adds (<see cref="MemoryProbe"/>) next
/// to what the plan says it adds (gradients + activations), and training images per second.
/// </summary>
public sealed record ShapeMeasurement(string Name, int Batch, long MeasuredStepBytes, long PlannedStepBytes, double ImagesPerSecond)
{
    /// <summary>The plan's step bytes ÷ the measured ones: 1 is a perfect estimate.</summary>
    public double EstimateOverMeasured => PlannedStepBytes / (double)MeasuredStepBytes;

    /// <summary>
    /// Measures <paramref name="shape"/> at <paramref name="batch"/> images per step. Run it in a process of its own
    /// (<see cref="MemoryProbe"/> reads the process's peak resident set), with MALLOC_MMAP_THRESHOLD_ set.
    /// </summary>
    public static ShapeMeasurement Measure(ProbeShape shape, Optimizer optimizer, int batch, int timedSteps)
    {
        var experiment = ShapeFacts.ExperimentOf(shape.Model, optimizer, batch);
        manual_seed(0);
        using var model = new AssembledVit(shape.Model);
        var memory = MemoryProbe.MeasureSteps(experiment, model);
        var plan = TrainingMemory.Of(experiment);
        using var chain = OptimizerChain.For(experiment, model);
        MemoryProbe.Step(experiment, model, chain, batch); // warm-up: the timed steps start with every buffer allocated
        var clock = Stopwatch.StartNew();
        for (var step = 0; step < timedSteps; step++) MemoryProbe.Step(experiment, model, chain, batch);
        var seconds = clock.Elapsed.TotalSeconds;
        return new(shape.Name, batch, memory.StepBytes, plan.GradientBytes + plan.ActivationBytes, timedSteps * (double)batch / seconds);
    }
}
