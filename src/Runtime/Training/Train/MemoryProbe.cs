using ViTDsl.Runtime.Models;
using ViTDsl.Runtime.Optim;
using static TorchSharp.torch;

namespace ViTDsl.Runtime.Train;

/// <summary>Resident memory of a process around training steps, in bytes.</summary>
/// <param name="BaselineBytes">Resident after the model and its optimizer were built (weights and optimizer state).</param>
/// <param name="PeakBytes">Highest resident during the steps.</param>
internal sealed record MemoryMeasurement(long BaselineBytes, long PeakBytes)
{
    /// <summary>What the steps added at their peak: gradients, activations and the optimizer's temporaries.</summary>
    public long StepBytes => PeakBytes - BaselineBytes;
}

/// <summary>
/// Measures what training really holds, to check <see cref="TrainingMemory"/> against it: the kernel's peak resident
/// set (VmHWM, reset through /proc/self/clear_refs) over a few steps on random images, above the resident set after
/// the model and optimizer exist. Linux only; run it in a process of its own, where nothing else allocates. Set
/// MALLOC_MMAP_THRESHOLD_ in that process's environment so that freed tensors go back to the kernel at once and the
/// peak measures live tensors rather than the allocator's reuse pattern.
/// </summary>
internal static class MemoryProbe
{
    public static MemoryMeasurement MeasureSteps(Experiment experiment, VitModule model, int steps = 2)
    {
        if (!File.Exists("/proc/self/clear_refs"))
            throw new PlatformNotSupportedException("Measuring peak memory needs Linux's /proc/self/status and /proc/self/clear_refs.");
        var batch = TrainingMemory.BatchPerDeviceOf(experiment);
        using var chain = OptimizerChain.For(experiment, model);
        // A first step over one image maps in the library code and thread buffers that any first step touches, which
        // no formula of tensors should count; its gradients are then dropped again, so the steps allocate them anew.
        Step(experiment, model, chain, 1);
        foreach (var p in model.parameters()) p.grad = null;
        GC.Collect();
        GC.WaitForPendingFinalizers();
        var baseline = Status("VmRSS");
        File.WriteAllText("/proc/self/clear_refs", "5"); // resets VmHWM to the current resident set
        for (var step = 0; step < steps; step++) Step(experiment, model, chain, batch);
        return new(baseline, Status("VmHWM"));
    }

    /// <summary>One training step on random images and labels: forward, loss, backward, update.</summary>
    internal static void Step(Experiment experiment, VitModule model, OptimizerChain chain, int batch)
    {
        var m = experiment.Model;
        using var scope = NewDisposeScope();
        var images = randn(batch, m.Channels, m.Image, m.Image);
        var labels = randint(m.Classifier.Classes, [batch], dtype: ScalarType.Int64);
        var loss = Losses.Of(experiment.Loss, model.forward(images), labels);
        chain.ZeroGrad();
        loss.backward();
        chain.Step(1.0);
    }

    /// <summary>A "kB" line of /proc/self/status, in bytes.</summary>
    private static long Status(string field)
    {
        var line = File.ReadLines("/proc/self/status").First(l => l.StartsWith(field + ":", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) * 1024;
    }
}
