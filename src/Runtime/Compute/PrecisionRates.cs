using static TorchSharp.torch;

namespace ViTDsl.Runtime.Compute;

/// <summary>
/// This machine's measured matrix-product rate in each <see cref="Precision"/>, and whether bf16 runs on hardware
/// instructions. Training in bf16 where it is emulated stays correct, only slower: the notice says how much.
/// </summary>
/// <param name="Fp32Gflops">Measured float32 product rate.</param>
/// <param name="Bf16Gflops">Measured bfloat16 product rate.</param>
/// <param name="Cpu">The CPU's bf16 flags.</param>
public sealed record PrecisionRates(double Fp32Gflops, double Bf16Gflops, CpuFeatures Cpu)
{
    /// <summary>
    /// Measures both rates on a 1024² product (2.1 GFLOP each: well under a second where bf16 is fast, a few
    /// seconds where it is emulated). Uses the threads torch is set to use.
    /// </summary>
    public static PrecisionRates Measure(int size = 1024, int repeats = 3) =>
        new(MatmulRate.SquareGflops(ScalarType.Float32, size, repeats), MatmulRate.SquareGflops(ScalarType.BFloat16, size, repeats), CpuFeatures.OfThisMachine());

    /// <summary>Measured rate of <paramref name="precision"/>'s products.</summary>
    public double GflopsOf(Precision precision) => precision switch
    {
        Precision.Fp32 => Fp32Gflops,
        Precision.Bf16 => Bf16Gflops,
        _ => throw new ArgumentOutOfRangeException(nameof(precision), precision, "Precision is Fp32 or Bf16."),
    };

    /// <summary>bf16 rate ÷ fp32 rate: above 1 where bf16 is native, often far below where it is emulated.</summary>
    public double Bf16Speedup => Bf16Gflops / Fp32Gflops;

    /// <summary>
    /// One line for a run that declares bf16 on a CPU without bf16 instructions; null where bf16 is native or unused.
    /// </summary>
    public string? EmulationNotice(IEnumerable<Precision> declared)
    {
        if (Cpu.HasNativeBf16 || !declared.Contains(Precision.Bf16)) return null;
        var comparison = Bf16Speedup < 1
            ? $"{1 / Bf16Speedup:F1}× slower than fp32"
            : $"{Bf16Speedup:F1}× the fp32 rate";
        return $"bf16 is emulated on this CPU (no avx512_bf16, amx_bf16 or bf16 in /proc/cpuinfo): its matrix products measured " +
               $"{comparison} ({Bf16Gflops:F0} vs {Fp32Gflops:F0} GFLOP/s); training runs in bf16 anyway. Declare Precision.Fp32 to train faster here.";
    }
}
