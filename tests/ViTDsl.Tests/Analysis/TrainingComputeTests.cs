namespace ViTDsl.Tests.Analysis;

public class TrainingComputeTests
{
    [Fact]
    public void Training_compute_is_three_forward_passes_per_image_seen()
    {
        // docs/reference.md §1 (Table 2): B/16 at 224² is 35.1 forward GFLOPs with a [class] token; training ≈ 3× forward.
        var model = Vit.B(16) with { Pool = new Pool.Token() };
        var compute = TrainingCompute.Of(model, imagesSeen: 1_000_000);
        Assert.Equal(3 * 35.1e9 * 1e6, compute.Flops, 0.01 * 3 * 35.1e9 * 1e6);
    }

    [Fact]
    public void Tpu_core_days_follow_the_core_peak()
    {
        // One TPUv3 core: 123 TFLOP/s per chip / 2 cores = 61.5e12 FLOP/s; a day is 86 400 s → 5.3136e18 FLOPs.
        Assert.Equal(1.0, new TrainingCompute(5.3136e18).TpuV3CoreDays, 1e-12);
        Assert.Equal(2.0, new TrainingCompute(2 * 182.5e9 * 86_400).DeviceDays(Accelerator.ThisCpuFp32), 1e-12);
        var half = Accelerator.TpuV3Core with { Utilization = 0.5 };
        Assert.Equal(2.0, new TrainingCompute(5.3136e18).DeviceDays(half), 1e-12);
        Assert.Equal(7.5, TrainingCompute.FromDeviceDays(7.5, Accelerator.ThisCpuBf16).DeviceDays(Accelerator.ThisCpuBf16), 1e-12);
    }

    [Fact]
    public void Bad_inputs_are_refused_with_the_fix()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => TrainingCompute.Of(Vit.B(16), -1));
        Assert.Contains("Images seen", e.Message);
        var a = Assert.Throws<ArgumentException>(() => new TrainingCompute(1e18).DeviceDays(new Accelerator("broken", 0)));
        Assert.Contains("positive", a.Message);
    }
}
