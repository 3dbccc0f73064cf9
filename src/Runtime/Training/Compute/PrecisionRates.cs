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
    /// Measures both rates on 2048² products with the threads torch is set to use, as the sweep estimate's
    /// utilisation was calibrated. Where bf16 is emulated it is measured on 1024² instead: the emulated rate hardly
    /// depends on the size, and the probe stays around a second instead of several.
    /// </summary>
    public static PrecisionRates Measure(int repeats = 3)
    {
        var cpu = CpuFeatures.OfThisMachine();
        return new(MatmulRate.SquareGflops(ScalarType.Float32, 2048, repeats),
                   MatmulRate.SquareGflops(ScalarType.BFloat16, cpu.HasNativeBf16 ? 2048 : 1024, repeats), cpu);
    }

    /// <summary>Measured rate of <paramref name="precision"/>'s products.</summary>
    public double GflopsOf(Precision precision) => precision switch
    {
        Precision.Fp32 => Fp32Gflops,
        Precision.Bf16 => Bf16Gflops,
        _ => throw new ArgumentOutOfRangeException(nameof(precision), precision, "Precision is Fp32 or Bf16."),
    };

    /// <summary>This machine in <paramref name="precision"/> at its measured rate and the sweep estimate's utilisation.</summary>
    public Accelerator Machine(Precision precision) =>
        new Accelerator($"this CPU ({precision.Label()}, measured)", GflopsOf(precision) * 1e9) { Utilization = SweepFacts.Utilization };

    /// <summary>bf16 rate ÷ fp32 rate: above 1 where bf16 is native, often far below where it is emulated.</summary>
    public double Bf16Speedup => Bf16Gflops / Fp32Gflops;

    /// <summary>
    /// One line for a run that declares bf16 on a CPU without bf16 instructions; null where bf16 is native or unused.
    /// </summary>
    public string? EmulationNotice(IEnumerable<Precision> declared)
    {
        if (Cpu.HasNativeBf16 || !declared.Contains(Precision.Bf16)) return null;
        var comparison = Bf16Speedup < 1
            ? $"{1 / Bf16Speedup:F1}× slower than fp32 ({Bf16Gflops:F0} vs {Fp32Gflops:F0} GFLOP/s); declare Precision.Fp32 to train faster here"
            : $"{Bf16Speedup:F1}× the fp32 rate ({Bf16Gflops:F0} vs {Fp32Gflops:F0} GFLOP/s)";
        return $"bf16 is emulated on this CPU (no {string.Join(", ", CpuFeatures.Bf16Flags)} in /proc/cpuinfo): its matrix products measured " +
               $"{comparison}. Training runs in bf16 all the same.";
    }
}
