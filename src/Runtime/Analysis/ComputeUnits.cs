namespace ViTDsl.Runtime.Analysis;

/// <summary>
/// Units of the compute axis. Compute is converted to device-days of an <see cref="Accelerator"/>; a pseudo-device
/// that does one FLOP per day turns device-days into plain FLOPs, the unit that needs no knowledge of any machine.
/// </summary>
public static class ComputeUnits
{
    /// <summary>Compute in FLOPs (training floating-point operations, the paper's 3 × forward convention).</summary>
    public static Accelerator Flops { get; } = new(FlopName, 1.0 / SecondsPerDay);

    private const string FlopName = "FLOP";
    private const double SecondsPerDay = 86_400;

    /// <summary>Whether <paramref name="unit"/> is <see cref="Flops"/>.</summary>
    public static bool IsFlops(Accelerator unit) => unit.Name == FlopName && unit.SustainedFlopsPerSecond * SecondsPerDay is > 0.999 and < 1.001;

    /// <summary>The compute axis' title: "Training compute (FLOPs)" or "Compute (TPUv3 core-days)".</summary>
    public static string AxisLabel(Accelerator unit) => IsFlops(unit) ? "Training compute (FLOPs)" : $"Compute ({unit.Name}-days)";

    /// <summary>The unit in running text: "FLOPs" or "TPUv3 core-days".</summary>
    public static string Describe(Accelerator unit) => IsFlops(unit) ? "FLOPs" : $"{unit.Name}-days";
}
