using static TorchSharp.torch;

namespace ViTDsl.Runtime.Compute;

/// <summary>
/// This machine's measured matrix-product rate in each <see cref="Precision"/>, and whether bf16 runs on hardware
/// instructions. Training in bf16 where it is emulated stays correct, only slower: the notice says how much.
/// </summary>
/// <param name="Fp32Gflops">Measured float32 product rate.</param>
/// <param name="Bf16Gflops">Measured bfloat16 product rate.</param>
/// <param name="Cpu">The CPU's bf16 flags.</param>
internal sealed record PrecisionRates(double Fp32Gflops, double Bf16Gflops, CpuFeatures Cpu)
{
    /// <summary>
    /// Measures both peaks (<see cref="MatmulPeak"/>) for the threads torch is set to use now, over squares up to
    /// 1024² and <paramref name="products"/> (the products of the models about to be compared with them): the best of
    /// several timings after a warm-up, so a training step of those models cannot exceed it.
    /// </summary>
    public static PrecisionRates Measure(int repeats = 3, IEnumerable<(int Rows, int Inputs, int Outputs)>? products = null)
    {
        var cpu = CpuFeatures.OfThisMachine();
        int threads = get_num_threads();
        var sizes = (products ?? []).ToList();
        return new(MatmulPeak.Measure(Precision.Fp32, threads, 1, sizes, repeats).Gflops,
                   MatmulPeak.Measure(Precision.Bf16, threads, 1, cpu.HasNativeBf16 ? sizes : [], repeats).Gflops, cpu);
    }

    /// <summary>Measured rate of <paramref name="precision"/>'s products.</summary>
    public double GflopsOf(Precision precision) => precision switch
    {
        Precision.Fp32 => Fp32Gflops,
        Precision.Bf16 => Bf16Gflops,
        _ => throw new ArgumentOutOfRangeException(nameof(precision), precision, "Precision is Fp32 or Bf16 (Auto is resolved before it trains)."),
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
