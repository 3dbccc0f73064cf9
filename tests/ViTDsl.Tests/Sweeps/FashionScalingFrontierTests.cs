using ViTDsl.Experiments.Fashion;

namespace ViTDsl.Tests.Sweeps;

/// <summary>
/// The main study's compute grid, a build-time fact of its declaration: a test-error frontier of 8 points over 1.5
/// decades needs at least 8 trials at distinct computes spanning that range. Model sizes and durations that are both
/// powers of two apart would put several trials at the same compute, of which at most one can be on the frontier.
/// </summary>
public class FashionScalingFrontierTests
{
    private static readonly IReadOnlyList<double> Computes = Studies.FashionScalingSweep.Trials
        .Select(t => TrainingCompute.Of(t.Declaration, t.Declaration.Steps * t.Declaration.Data.Batch).Flops).Order().ToList();

    [Fact]
    public void Its_trials_lie_at_15_distinct_computes_at_least_5_percent_apart()
    {
        Assert.Equal(15, Computes.Count);
        for (int i = 1; i < Computes.Count; i++)
            Assert.True(Computes[i] >= 1.05 * Computes[i - 1], $"trials at {Computes[i - 1]:E3} and {Computes[i]:E3} FLOPs");
    }

    [Fact]
    public void Its_compute_spans_more_than_one_and_a_half_decades()
    {
        // By hand, multiply-accumulates per image of the smallest model (patch 4: 49 tokens; width 16, 1 block, MLP 64,
        // MAP head, 10 classes): stem 49·16·16 = 12544; block 49·(4·16² + 2·16·64) + 2·49²·16 = 227360; MAP head
        // 2·49·16² + 2·16² + 2·49·16 + 2·16·64 = 29216; classifier 160: 269280. Training is 6 FLOPs per MAC (3 passes
        // × 2), at 250 steps of 256 images. The largest (width 40, 3 blocks, MLP 160) has 3607120 MACs, at 1000 steps.
        Assert.Equal(6.0 * 269280 * 250 * 256, Computes[0]);
        Assert.Equal(6.0 * 3607120 * 1000 * 256, Computes[^1]);
        Assert.True(Math.Log10(Computes[^1] / Computes[0]) >= 1.5, $"{Computes[0]:E2} … {Computes[^1]:E2} FLOPs");
    }
}
