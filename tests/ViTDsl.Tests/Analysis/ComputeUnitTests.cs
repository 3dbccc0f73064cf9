using ViTDsl.Runtime.Analysis;

namespace ViTDsl.Tests.Analysis;

// The compute axis' unit is a closed type: plain FLOPs, or device-days of a device preset; one vocabulary of names.
public class ComputeUnitTests
{
    [Fact]
    public void Flops_are_their_own_unit_and_device_days_divide_by_the_sustained_rate()
    {
        var compute = new TrainingCompute(2.5e18);
        Assert.Equal(new ComputeUnit.Flops(), ComputeUnit.Named("flops"));
        Assert.Equal(2.5e18, ComputeUnit.Named("FLOPS").Of(compute));
        // A TPUv3 core: 61.5 TFLOP/s bf16 peak at full utilisation (the paper's accounting), 86,400 s a day.
        Assert.Equal(2.5e18 / (61.5e12 * 86_400), ComputeUnit.Named("tpuv3").Of(compute), 1e-12);
        Assert.Equal(ComputeUnit.TpuV3CoreDays, ComputeUnit.Named("tpuv3"));
        Assert.Equal(["flops", .. Accelerator.PresetNames], ComputeUnit.Names);
    }

    [Fact]
    public void Each_unit_labels_its_axis_and_an_unknown_name_lists_the_names()
    {
        Assert.Equal(("FLOPs", "Training compute (FLOPs)"), (new ComputeUnit.Flops().Description, new ComputeUnit.Flops().AxisLabel));
        Assert.Equal(("TPUv3 core-days", "Compute (TPUv3 core-days)"), (ComputeUnit.TpuV3CoreDays.Description, ComputeUnit.TpuV3CoreDays.AxisLabel));
        var e = Assert.Throws<ArgumentException>(() => ComputeUnit.Named("flop"));
        Assert.Contains("'flop' is not a compute unit; use flops, tpuv3, tpuv4", e.Message);
    }
}
