namespace ViTDsl.Runtime.Analysis;

/// <summary>
/// The unit of the compute axis: plain training FLOPs, which need no knowledge of any machine, or device-days of an
/// <see cref="Accelerator"/> (the paper's TPUv3 core-days). <see cref="Named"/> reads the one vocabulary of unit names:
/// <c>flops</c> and the device presets (<see cref="Accelerator.Named"/>).
/// </summary>
internal abstract record ComputeUnit
{
    private ComputeUnit() { }

    /// <summary>Training FLOPs (the paper's 3 × forward convention).</summary>
    public sealed record Flops : ComputeUnit;

    /// <summary>Days of <paramref name="Device"/> at its sustained rate.</summary>
    public sealed record DeviceDays(Accelerator Device) : ComputeUnit;

    /// <summary>The name of <see cref="Flops"/> on the command line.</summary>
    public const string FlopsName = "flops";

    /// <summary>Every unit's name: <c>flops</c>, then the device presets (a device may also be <c>cpu:GIB</c>).</summary>
    public static IReadOnlyList<string> Names { get; } = [FlopsName, .. Accelerator.PresetNames];

    /// <summary>The paper's unit, TPUv3 core-days.</summary>
    public static ComputeUnit TpuV3CoreDays { get; } = new DeviceDays(Accelerator.TpuV3Core);

    /// <summary>A unit by its name (<see cref="Names"/>); an unknown name throws <see cref="ArgumentException"/> listing them.</summary>
    public static ComputeUnit Named(string name)
    {
        if (string.Equals(name?.Trim(), FlopsName, StringComparison.OrdinalIgnoreCase)) return new Flops();
        try
        {
            return new DeviceDays(Accelerator.Named(name!));
        }
        catch (ArgumentException)
        {
            throw new ArgumentException($"'{name}' is not a compute unit; use {string.Join(", ", Names)} or cpu:GIB (this CPU with GIB of memory).");
        }
    }

    /// <summary><paramref name="compute"/> in this unit.</summary>
    public double Of(TrainingCompute compute) => this switch
    {
        Flops => compute.Flops,
        DeviceDays d => compute.DeviceDays(d.Device),
        _ => throw new InvalidOperationException("unreachable: ComputeUnit is closed"),
    };

    /// <summary>The unit in running text: "FLOPs" or "TPUv3 core-days".</summary>
    public string Description => this switch
    {
        DeviceDays d => $"{d.Device.Name}-days",
        _ => "FLOPs",
    };

    /// <summary>The compute axis' title: "Training compute (FLOPs)" or "Compute (TPUv3 core-days)".</summary>
    public string AxisLabel => this is Flops ? "Training compute (FLOPs)" : $"Compute ({Description})";

    public override string ToString() => Description;
}
