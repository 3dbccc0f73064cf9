using System.Collections.Generic;
using System.Globalization;

namespace ViTDsl;

/// <summary>
/// The declared device must hold one training step (<see cref="TrainingMemory"/>, in the experiment's execution): VIT401
/// when it does not, saying by how much, the largest batch per device that fits, and each change that would help with
/// the bytes it saves in that execution — rematerialising the encoder blocks, a smaller batch per device (or more
/// devices), the paper's memory-efficient optimizer (§3.4), no class token (§3.2: MAP), bfloat16 activations. VIT402
/// for a device that cannot hold anything (non-positive memory or device count).
/// </summary>
internal static class MemoryRules
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
        var text = $"Training does not fit the device: {plan.BatchPerDevice} images per {device.Name} ({plan.Execution.Label} execution) need {G(plan.PeakBytes)} " +
                   $"(weights {G(plan.WeightBytes)}, gradients {G(plan.GradientBytes)}, optimizer state {G(plan.OptimizerStateBytes)}, " +
                   $"activations {G(plan.ActivationBytes)}) but it holds {G(available)}: {G(plan.PeakBytes - available)} too much.";
        var largest = TrainingMemory.LargestBatchPerDevice(experiment, device);
        text += largest >= 1
            ? $" The largest batch per device that fits is {largest}."
            : $" Not even one image fits: weights, gradients and optimizer state alone need {G(plan.ModelStateBytes)}.";
        var fixes = Fixes(experiment, plan, largest);
        if (fixes.Count > 0) text += " Each of these saves memory: " + string.Join("; ", fixes) + ".";
        return text;
    }

    /// <summary>Each change that lowers the peak, with the bytes it saves (batch changes only when some batch fits).</summary>
    private static List<string> Fixes(Experiment experiment, TrainingMemory plan, int largest)
    {
        var fixes = new List<string>();
        void Offer(string change, Experiment changed)
        {
            var peak = TrainingMemory.Of(changed).PeakBytes;
            if (peak < plan.PeakBytes)
                fixes.Add($"{change} saves {TrainingMemory.Gib(plan.PeakBytes - peak)}{(peak <= experiment.Device.MemoryBytes ? ", enough on its own" : "")}");
        }
        var execution = experiment.ExecutionOf();
        if (execution.Rematerialisation == Rematerialisation.None)
            Offer("rematerialising each encoder block (Execution = " + (execution.Mode == ExecutionMode.Xla
                    ? "Execution.Xla)" : "Execution.Eager with { Rematerialisation = Rematerialisation.EncoderBlock })"),
                experiment with { Execution = execution with { Rematerialisation = Rematerialisation.EncoderBlock } });
        if (largest >= 1)
        {
            var devices = (experiment.Data.Batch + largest - 1) / largest;
            Offer($"a smaller batch (Data.Batch ≤ {(long)largest * experiment.DeviceCount} on {experiment.DeviceCount} device(s))",
                experiment with { Data = experiment.Data with { Batch = largest * experiment.DeviceCount } });
            Offer($"more devices (DeviceCount = {devices.ToString(CultureInfo.InvariantCulture)} keeps Batch = {experiment.Data.Batch})",
                experiment with { DeviceCount = devices });
        }
        if (experiment.Optimizer is not Optimizer.Adafactor { MomentumDtype: StateDtype.Bf16 })
            Offer("the paper's memory-efficient optimizer (Optimizer = new Optimizer.Adafactor())", experiment with { Optimizer = new Optimizer.Adafactor() });
        if (experiment.Model.Pool is Pool.Token)
            Offer("MAP pooling instead of a class token (Pool = new Pool.Map())", experiment with { Model = experiment.Model with { Pool = new Pool.Map() } });
        if (experiment.Precision == Precision.Fp32)
            Offer("bfloat16 activations (Precision = Precision.Bf16)", experiment with { Precision = Precision.Bf16 });
        return fixes;
    }
}
