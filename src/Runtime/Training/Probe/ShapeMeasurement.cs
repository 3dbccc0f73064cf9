using System.Diagnostics;
using ViTDsl.Runtime.Models;
using ViTDsl.Runtime.Optim;
using ViTDsl.Runtime.Train;
using static TorchSharp.torch;

namespace ViTDsl.Runtime.Probe;

/// <summary>
/// One shape measured on this machine in fp32: the peak memory a training step adds (<see cref="MemoryProbe"/>) next
/// to what the plan says it adds (gradients + activations), training images per second, and the time a step that
/// rematerialises each encoder block takes relative to the plain one (processor time of steps alternating in one
/// process).
/// </summary>
internal sealed record ShapeMeasurement(string Name, int Batch, long MeasuredStepBytes, long PlannedStepBytes, double ImagesPerSecond, double RematTimeRatio)
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
        double wall = 0, plain = 0, remat = 0;
        for (var step = 0; step < timedSteps; step++)
        {
            model.Rematerialisation = Rematerialisation.None;
            var (stepWall, stepProcessor) = Seconds(() => MemoryProbe.Step(experiment, model, chain, batch));
            (wall, plain) = (wall + stepWall, plain + stepProcessor);
            model.Rematerialisation = Rematerialisation.EncoderBlock;
            remat += Seconds(() => MemoryProbe.Step(experiment, model, chain, batch)).Processor;
        }
        return new(shape.Name, batch, memory.StepBytes, plan.GradientBytes + plan.ActivationBytes, timedSteps * (double)batch / wall, remat / plain);
    }

    // Wall time, and processor time of the whole process (all of libtorch's threads): on a shared machine other
    // processes stretch the wall time of either kind of step, not the work it does, so the ratio uses the latter.
    private static (double Wall, double Processor) Seconds(Action step)
    {
        var process = Process.GetCurrentProcess();
        var before = process.TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        step();
        process.Refresh();
        return (clock.Elapsed.TotalSeconds, (process.TotalProcessorTime - before).TotalSeconds);
    }
}
