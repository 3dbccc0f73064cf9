namespace ViTDsl;

/// <summary>
/// A device that training compute is converted to time on: its name and peak throughput. The paper reports compute
/// in TPUv3 core-days; converting this project's runs with <see cref="TpuV3Core"/> puts them on the paper's axis,
/// while the CPU presets say how long the same work takes here.
/// </summary>
/// <param name="Name">Human-readable name, used in reports and axis labels.</param>
/// <param name="PeakFlopsPerSecond">Peak floating-point operations per second of one device (or core).</param>
public sealed record Accelerator(string Name, double PeakFlopsPerSecond)
{
    /// <summary>
    /// Fraction of peak a training run actually reaches (model FLOPs utilisation). 1 converts at peak, which is
    /// how the paper's core-days are comparable across models; lower it to estimate wall time.
    /// </summary>
    public double Utilization { get; init; } = 1.0;

    /// <summary>
    /// One TPUv3 core: a TPUv3 chip peaks at 123 TFLOP/s (bf16) and holds two TensorCores, so 61.5 TFLOP/s per core.
    /// The paper's "TPUv3 core-days" are measured on this unit.
    /// </summary>
    public static Accelerator TpuV3Core => new("TPUv3 core", 61.5e12);

    /// <summary>This project's 2-core AMD EPYC in fp32 (ENVIRONMENT.md: 2048² matmul at 165–200 GFLOP/s; midpoint).</summary>
    public static Accelerator ThisCpuFp32 => new("2-core EPYC (fp32)", 182.5e9);

    /// <summary>This project's 2-core AMD EPYC in bf16 (ENVIRONMENT.md: 2048² matmul at 550–770 GFLOP/s; midpoint).</summary>
    public static Accelerator ThisCpuBf16 => new("2-core EPYC (bf16)", 660e9);

    /// <summary>FLOP/s this device sustains: peak × utilisation.</summary>
    public double SustainedFlopsPerSecond => PeakFlopsPerSecond * Utilization;
}
