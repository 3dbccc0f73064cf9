using System;
using System.Collections.Generic;
using System.Globalization;

namespace ViTDsl;

/// <summary>
/// The declared device must hold one training step (<see cref="TrainingMemory"/>): VIT401 when it does not, saying
/// by how much, the largest batch per device that fits, and what the paper would change (§3.4: a memory-efficient
/// optimizer; §3.2: no class token; a smaller batch per device, i.e. more devices). VIT402 for a device that cannot
/// hold anything (non-positive memory or device count).
/// </summary>
public static class MemoryRules
{
    public static IReadOnlyList<Problem> Check(Experiment experiment)
    {
        var problems = new List<Problem>();
        if (experiment.DeviceCount < 1)
            problems.Add(new(DiagnosticKinds.BadDevice.Id, nameof(Experiment.DeviceCount), $"DeviceCount is {experiment.DeviceCount}; give the number of data-parallel devices, 1 or more."));
        if (!(experiment.Device.MemoryGiB > 0))
            problems.Add(new(DiagnosticKinds.BadDevice.Id, nameof(Experiment.Device), $"Device '{experiment.Device.Name}' has {experiment.Device.MemoryGiB} GiB of memory; give a positive MemoryGiB (or leave it infinite to skip the check)."));
        if (problems.Count > 0 || !experiment.Device.IsMemoryChecked || experiment.Data.Batch < 1) return problems;

        var plan = TrainingMemory.Of(experiment);
        var available = experiment.Device.MemoryBytes;
        if (plan.PeakBytes <= available) return problems;
        problems.Add(new(DiagnosticKinds.DoesNotFitDevice.Id, nameof(Experiment.Device), Message(experiment, plan, available)));
        return problems;
    }

    private static string Message(Experiment experiment, TrainingMemory plan, long available)
    {
        string G(long bytes) => TrainingMemory.Gib(bytes);
        var device = experiment.Device;
        var text = $"Training does not fit the device: {plan.BatchPerDevice} images per {device.Name} need {G(plan.PeakBytes)} " +
                   $"(weights {G(plan.WeightBytes)}, gradients {G(plan.GradientBytes)}, optimizer state {G(plan.OptimizerStateBytes)}, " +
                   $"activations {G(plan.ActivationBytes)}) but it holds {G(available)}: {G(plan.PeakBytes - available)} too much.";
        var largest = TrainingMemory.LargestBatchPerDevice(experiment, device);
        var fixes = new List<string>();
        if (largest >= 1)
        {
            text += $" The largest batch per device that fits is {largest}.";
            var devices = (experiment.Data.Batch + largest - 1) / largest;
            fixes.Add($"a smaller batch (Data.Batch ≤ {(long)largest * experiment.DeviceCount} on {experiment.DeviceCount} device(s))");
            fixes.Add($"more devices (DeviceCount = {devices.ToString(CultureInfo.InvariantCulture)} keeps Batch = {experiment.Data.Batch})");
        }
        else
        {
            text += $" Not even one image fits: weights, gradients and optimizer state alone need {G(plan.ModelStateBytes)}.";
        }
        var adafactor = new Optimizer.Adafactor();
        if (experiment.Optimizer is not Optimizer.Adafactor { MomentumDtype: StateDtype.Bf16 })
        {
            var saved = plan.OptimizerStateBytes - OptimizerMemory.StateBytes(adafactor, experiment.Model);
            if (saved > 0) fixes.Add($"the paper's memory-efficient optimizer (Optimizer = new Optimizer.Adafactor() saves {G(saved)})");
        }
        if (experiment.Model.Pool is Pool.Token)
        {
            var map = TrainingMemory.Of(experiment with { Model = experiment.Model with { Pool = new Pool.Map() } });
            if (map.PeakBytes < plan.PeakBytes) fixes.Add($"MAP pooling instead of a class token (Pool = new Pool.Map() saves {G(plan.PeakBytes - map.PeakBytes)})");
        }
        if (fixes.Count > 0) text += " Try " + string.Join("; or ", fixes) + ".";
        return text;
    }
}
