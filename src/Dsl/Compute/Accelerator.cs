namespace ViTDsl;

/// <summary>
/// A device that training runs on and compute is converted to time on: its name, peak throughput and memory. The
/// paper reports compute in TPUv3 core-days; converting this project's runs with <see cref="TpuV3Core"/> puts them
/// on the paper's axis, while the CPU presets say how long the same work takes here. An experiment declares the one
/// it trains on (<see cref="Experiment.Device"/>), and the build checks its <see cref="TrainingMemory"/> fits.
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
    /// Memory one device holds, in GiB (2³⁰ bytes); infinity means "not checked" (this machine's memory is not known
    /// when the generator runs).
    /// </summary>
    public double MemoryGiB { get; init; } = double.PositiveInfinity;

    /// <summary>
    /// How this device runs a training step, which decides what its memory holds (<see cref="TrainingMemory"/>): eager
    /// by default (GPUs, CPUs, this runtime); the TPU presets compile it with XLA. An experiment may override it.
    /// </summary>
    public Execution Execution { get; init; } = Execution.Eager;

    /// <summary>Memory in bytes, or <see cref="long.MaxValue"/> when unchecked.</summary>
    public long MemoryBytes => IsMemoryChecked ? (long)(MemoryGiB * TrainingMemory.BytesPerGiB) : long.MaxValue;

    /// <summary>Whether a declaration on this device is checked to fit its memory.</summary>
    public bool IsMemoryChecked => !double.IsInfinity(MemoryGiB);

    /// <summary>
    /// One TPUv3 core: a TPUv3 chip peaks at 123 TFLOP/s (bf16) and holds two TensorCores, so 61.5 TFLOP/s per core.
    /// The paper's "TPUv3 core-days" are measured on this unit.
    /// </summary>
    public static Accelerator TpuV3Core => new("TPUv3 core", 61.5e12) { MemoryGiB = 16, Execution = Execution.Xla };

    /// <summary>One TPUv4 chip: 275 TFLOP/s (bf16), 32 GiB of HBM.</summary>
    public static Accelerator TpuV4Chip => new("TPUv4 chip", 275e12) { MemoryGiB = 32, Execution = Execution.Xla };

    /// <summary>NVIDIA A100 40 GB: 312 TFLOP/s dense bf16.</summary>
    public static Accelerator A100_40 => new("A100 40 GB", 312e12) { MemoryGiB = 40 };

    /// <summary>NVIDIA A100 80 GB: 312 TFLOP/s dense bf16.</summary>
    public static Accelerator A100_80 => new("A100 80 GB", 312e12) { MemoryGiB = 80 };

    /// <summary>NVIDIA H100 SXM 80 GB: 989 TFLOP/s dense bf16.</summary>
    public static Accelerator H100_80 => new("H100 80 GB", 989e12) { MemoryGiB = 80 };

    /// <summary>This project's CPU with a memory budget, e.g. <c>Accelerator.Cpu(memoryGiB: 8)</c> on an 8 GiB machine.</summary>
    public static Accelerator Cpu(double memoryGiB) => ThisCpuFp32 with { MemoryGiB = memoryGiB };

    /// <summary>
    /// A 2-core build-time reference CPU in fp32: 2048² matmul measured at 165–200 GFLOP/s on the project's AMD EPYC
    /// machines (midpoint). Build-time facts use it; `sweep` measures the CPU it runs on (<c>PrecisionRates</c>).
    /// </summary>
    public static Accelerator ThisCpuFp32 => new("2-core CPU (fp32)", 182.5e9);

    /// <summary>The same reference CPU in bf16 with AVX512-BF16: 2048² matmul measured at 550–770 GFLOP/s (midpoint).</summary>
    public static Accelerator ThisCpuBf16 => new("2-core CPU (bf16)", 660e9);

    private static readonly (string Key, System.Func<Accelerator> Make)[] Presets =
    [
        ("tpuv3", () => TpuV3Core), ("tpuv4", () => TpuV4Chip), ("a100-40", () => A100_40), ("a100-80", () => A100_80),
        ("h100", () => H100_80), ("cpu-fp32", () => ThisCpuFp32), ("cpu-bf16", () => ThisCpuBf16),
    ];

    /// <summary>The short names <see cref="Named"/> accepts, as command lines write them ("tpuv3", "a100-80", …).</summary>
    public static System.Collections.Generic.IReadOnlyList<string> PresetNames { get; } = System.Array.ConvertAll(Presets, p => p.Key);

    /// <summary>A preset by its short name, case-insensitive; "cpu:GIB" is this CPU with GIB of memory.</summary>
    public static Accelerator Named(string name)
    {
        var key = (name ?? "").Trim().ToLowerInvariant();
        foreach (var preset in Presets)
            if (preset.Key == key) return preset.Make();
        if (key.StartsWith("cpu:", System.StringComparison.Ordinal) &&
            double.TryParse(key[4..], System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var gib) && gib > 0)
            return Cpu(gib) with { Name = $"CPU {gib:0.##} GiB" };
        throw new System.ArgumentException($"'{name}' is not a device; use one of {string.Join(", ", PresetNames)} or cpu:GIB (e.g. cpu:64).", nameof(name));
    }

    /// <summary>FLOP/s this device sustains: peak × utilisation.</summary>
    public double SustainedFlopsPerSecond => PeakFlopsPerSecond * Utilization;
}
