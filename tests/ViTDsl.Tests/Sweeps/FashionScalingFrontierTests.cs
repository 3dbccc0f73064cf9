using ViTDsl.Experiments.Fashion;

namespace ViTDsl.Tests.Sweeps;

/// <summary>
/// The main study's compute grid, a build-time fact of its declaration: a test-error frontier of 8 points over 1.5
/// decades needs trials at 8 or more distinct computes spanning that range (of trials at about the same compute, at most
/// one is on the frontier, and the two seeds of a trial share its compute). Model sizes and durations both powers of two
/// apart would stack trials on a few computes.
/// </summary>
public class FashionScalingFrontierTests
{
    private static readonly IReadOnlyList<double> Computes = Studies.FashionScalingSweep.Trials
        .Select(t => TrainingCompute.Of(t.Declaration, t.Declaration.Steps * t.Declaration.Data.Batch).Flops).Order().ToList();

    [Fact]
    public void Its_trials_lie_at_more_than_8_computes_at_least_5_percent_apart()
    {
        Assert.Equal(32, Computes.Count); // 4 sizes × 4 durations × 2 seeds
        int levels = 1;
        for (int i = 1, last = 0; i < Computes.Count; i++)
            if (Computes[i] >= 1.05 * Computes[last]) { levels++; last = i; }
        Assert.True(levels >= 8, $"{levels} distinct computes: {string.Join(", ", Computes.Select(c => c.ToString("E2")))}");
    }

    [Fact]
    public void Its_compute_spans_more_than_one_and_a_half_decades()
    {
        // By hand, multiply-accumulates per image of the smallest model (patch 7: 16 tokens; width 24, 2 blocks, MLP 96,
        // MAP head, 10 classes): stem 16·49·24 = 18816; blocks 2·(16·(4·24² + 2·24·96) + 2·16²·24) = 245760; MAP head
        // 2·16·24² + 2·24² + 2·16·24 + 2·24·96 = 24960; classifier 240: 289776. Training is 6 FLOPs per MAC (3 passes
        // × 2), at 625 steps of 128 images. The largest (width 64, 2 blocks, MLP 256): stem 16·49·64 = 50176; blocks
        // 2·(16·(4·64² + 2·64·256) + 2·16²·64) = 1638400; MAP head 2·16·64² + 2·64² + 2·16·64 + 2·64·256 = 174080;
        // classifier 640: 1863296, at 3750 steps of 128.
        Assert.Equal(6.0 * 289776 * 625 * 128, Computes[0], 1.0); // within one FLOP
        Assert.Equal(6.0 * 1863296 * 3750 * 128, Computes[^1], 1.0);
        Assert.True(Math.Log10(Computes[^1] / Computes[0]) >= 1.5, $"{Computes[0]:E2} … {Computes[^1]:E2} FLOPs");
    }
}
