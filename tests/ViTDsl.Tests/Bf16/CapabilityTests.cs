using ViTDsl.Runtime.Compute;

namespace ViTDsl.Tests.Bf16;

public class CapabilityTests
{
    // Abbreviated /proc/cpuinfo of two real x86 CPUs: an Ice Lake Xeon (AVX-512 without BF16) and an AMD EPYC Zen 4
    // (AVX512-BF16), and an Arm Neoverse V1 ("Features", with bf16).
    private const string IceLake = "processor\t: 0\nvendor_id\t: GenuineIntel\nmodel name\t: Intel(R) Xeon(R) Processor\n" +
        "flags\t\t: fpu sse2 avx avx2 avx512f avx512dq avx512bw avx512vl avx512_vnni avx512_bitalg\nbogomips\t: 4000\n\nprocessor\t: 1\n";
    private const string Zen4 = "processor\t: 0\nflags\t\t: fpu avx2 avx512f avx512bw avx512vl avx512_bf16 avx512_vnni\n";
    private const string NeoverseV1 = "processor\t: 0\nFeatures\t: fp asimd sve svebf16 i8mm bf16\nCPU implementer\t: 0x41\n";

    [Fact]
    public void Bf16_is_native_only_where_the_cpu_lists_a_bf16_flag()
    {
        Assert.False(CpuFeatures.Parse(IceLake).HasNativeBf16);
        Assert.Contains("avx512bw", CpuFeatures.Parse(IceLake).Flags);
        Assert.Equal(["avx512_bf16"], CpuFeatures.Parse(Zen4).Bf16);
        Assert.Equal(["bf16"], CpuFeatures.Parse(NeoverseV1).Bf16);
        Assert.False(CpuFeatures.Parse("").HasNativeBf16);
    }

    [Fact]
    public void The_notice_appears_only_for_bf16_on_an_emulating_cpu_and_says_how_much_slower()
    {
        var emulated = new PrecisionRates(Fp32Gflops: 48, Bf16Gflops: 12, CpuFeatures.Parse(IceLake));
        var notice = emulated.EmulationNotice([Precision.Fp32, Precision.Bf16]);
        Assert.NotNull(notice);
        Assert.Contains("emulated", notice);
        Assert.Contains("4.0× slower", notice); // 48 ÷ 12
        Assert.Null(emulated.EmulationNotice([Precision.Fp32]));
        Assert.Null(new PrecisionRates(168, 627, CpuFeatures.Parse(Zen4)).EmulationNotice([Precision.Bf16]));
    }

    [Fact]
    public void The_sweep_estimate_divides_each_precisions_compute_by_that_precisions_rate()
    {
        var fp32 = new Experiment(Vit.Ti(16)) { Steps = 100, Data = new ViTDsl.Data(new DataSet.FashionMnist()) { Batch = 8 }, Schedule = ViTDsl.Schedule.Constant() };
        var bf16 = fp32 with { Precision = Precision.Bf16, LearningRate = 1e-3 }; // another lineage
        var rates = new PrecisionRates(Fp32Gflops: 100, Bf16Gflops: 25, CpuFeatures.Parse(IceLake));
        var facts = SweepFacts.Of([fp32, bf16], rates.Machine);

        // Hand-derived: each trial is 100 steps × 8 images × the training GFLOPs of one Ti/16 image, with no shared prefix.
        var flops = 100 * 8 * FlopCount.TrainingGflopsPerImage(Vit.Ti(16)) * 1e9;
        var expected = flops / (100e9 * SweepFacts.Utilization) + flops / (25e9 * SweepFacts.Utilization);
        Assert.Equal(expected, facts.EstimatedSeconds, expected * 1e-12);
        Assert.Equal(2 * flops, facts.TrainingFlopsWhenBranched, flops * 1e-12);
    }
}
