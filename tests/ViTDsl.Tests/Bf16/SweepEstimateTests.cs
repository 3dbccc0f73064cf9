using ViTDsl.Experiments.Fashion;
using ViTDsl.Runtime.Compute;
using static TorchSharp.torch;

namespace ViTDsl.Tests.Bf16;

/// <summary>The sweep's time estimate from declared compute and measured rates, and the matmul peak it is a share of.</summary>
public class SweepEstimateTests
{
    // Patch 7 on 28×28 (16 tokens), width 8, one block, MLP 16, one head, MAP head, 10 classes. By hand, in
    // multiply-accumulates per image: stem 16·49·8 = 6272; block 16·(4·8² + 2·8·16) + 2·16²·8 = 12288; MAP head
    // 2·16·8² + 2·8² + 2·16·8 + 2·8·16 = 2688; classifier 8·10 = 80; total 21328, so 42656 forward FLOPs and
    // 3 × 42656 = 127968 training FLOPs per image, 511872 per step of 4 images.
    private static readonly Vit Tiny = new(Patch: 7, Width: 8, Depth: 1, Mlp: 16, Heads: 1) { Image = 28, Channels = 1, Classifier = new Classifier(10) };

    private static Experiment Run(long steps, double learningRate = 1e-3) => new(Tiny)
    {
        Steps = steps, LearningRate = learningRate, Evaluations = Evaluations.FinalOnly,
        Data = new ViTDsl.Data(new DataSet.Synthetic(TrainImages: 64, TestImages: 500, Classes: 10)) { Batch = 4 },
        Schedule = ViTDsl.Schedule.Warmup(5) >> ViTDsl.Schedule.Rsqrt(timescale: 10) >> ViTDsl.Schedule.Cooldown(20),
    };

    [Fact]
    public void Each_trial_costs_its_declared_compute_over_its_measured_rate_and_the_workers_share_them_in_order()
    {
        Assert.Equal(511872, TrainingCompute.Of(Run(1), imagesSeen: 4).Flops);
        var rate = new StepRate(ViTDsl.Precision.Fp32, FlopsPerStep: 511872, SecondsPerStep: 0.01); // 0.0511872 GFLOP/s
        // a: the longest run of its lineage trains all 100 steps; b branches off it at step 40 (60 − 20 cooldown
        // steps) and trains 20; c is another lineage (another learning rate) and trains its 50.
        var ordered = new[] { ("a", Run(100), rate), ("c", Run(50, learningRate: 2e-3), rate), ("b", Run(60), rate) };
        var estimate = SweepTimeEstimate.Of(ordered, workers: 2, testImages: null, fixedSeconds: 10, trialOverheadSeconds: 3);

        var trials = estimate.Trials.ToDictionary(t => t.Name);
        Assert.Equal(100 * 511872 / 0.0511872e9, trials["a"].TrainSeconds, 1e-12); // = 1.0 s
        Assert.Equal(1.0, trials["a"].TrainSeconds, 1e-12);
        Assert.Equal(0.2, trials["b"].TrainSeconds, 1e-12);
        Assert.Equal(0.5, trials["c"].TrainSeconds, 1e-12);
        // One final evaluation of the 500 test images: 500 · 42656 FLOPs at the same rate = 500 / 1200 s.
        Assert.Equal(500.0 / 1200, trials["b"].EvaluateSeconds, 1e-12);
        // a runs on one worker (0 … 4.4167 s), c on the other (0 … 3.9167 s), then b there (… 7.5333 s); plus 10 s.
        Assert.Equal(3.9166666666666667 + 3.6166666666666667 + 10, estimate.Seconds, 1e-9);
        Assert.Equal(1.7, estimate.TrainSeconds, 1e-12);
    }

    [Fact]
    public void A_resumed_sweep_is_estimated_by_the_trials_it_has_left()
    {
        var rate = new StepRate(ViTDsl.Precision.Fp32, FlopsPerStep: 511872, SecondsPerStep: 0.01);
        var ordered = new[] { ("a", Run(100), rate), ("c", Run(50, learningRate: 2e-3), rate), ("b", Run(60), rate) };
        // a and c succeeded before: b alone is left, and it still trains only its 20 cooldown steps off a's checkpoint.
        var estimate = SweepTimeEstimate.Of(ordered, workers: 2, testImages: null, fixedSeconds: 10, trialOverheadSeconds: 3,
            done: new HashSet<string> { "a", "c" });
        var b = Assert.Single(estimate.Trials);
        Assert.Equal("b", b.Name);
        Assert.Equal(0.2, b.TrainSeconds, 1e-12);
        Assert.Equal(0.2 + 500.0 / 1200 + 3 + 10, estimate.Seconds, 1e-9);
    }

    [Fact]
    public void Steps_that_share_the_machine_are_estimated_at_their_slowdown()
    {
        var rate = new StepRate(ViTDsl.Precision.Fp32, FlopsPerStep: 511872, SecondsPerStep: 0.01);
        // a alone, 100 steps: 1.0 s of training at the lone rate, 1.35 s when the workers' steps run 1.35× slower together.
        var alone = SweepTimeEstimate.Of([("a", Run(100), rate)], workers: 1, testImages: null, fixedSeconds: 0, trialOverheadSeconds: 0);
        var together = SweepTimeEstimate.Of([("a", Run(100), rate.Slowed(1.35))], workers: 1, testImages: null, fixedSeconds: 0, trialOverheadSeconds: 0);
        Assert.Equal(1.0, alone.TrainSeconds, 1e-12);
        Assert.Equal(1.35, together.TrainSeconds, 1e-12);
        Assert.Equal(1.35 * alone.Seconds, together.Seconds, 1e-12); // its evaluations slow down with it
    }

    [Fact]
    public void The_makespan_places_each_trial_on_the_first_free_worker()
    {
        Assert.Equal(10, SweepTimeEstimate.Makespan([10, 3, 3, 3], workers: 2)); // 3+3+3 = 9 on the second worker
        Assert.Equal(13, SweepTimeEstimate.Makespan([3, 3, 3, 10], workers: 2)); // the long one starts last, at 3
        Assert.Equal(19, SweepTimeEstimate.Makespan([10, 3, 3, 3], workers: 1));
    }

    [Fact]
    public void The_peak_covers_the_models_products()
    {
        Assert.Equal([(64, 8, 24), (64, 8, 8), (64, 8, 16), (64, 16, 8), (64, 49, 8)], MatmulPeak.ProductsOf(Tiny, batch: 4).ToList());
    }

}

[Collection(SerialCollection.Name)] // sets torch's thread count
public class MatmulPeakTests(Xunit.Abstractions.ITestOutputHelper output)
{
    [Fact]
    public void No_training_step_runs_faster_than_the_peak_measured_at_its_threads_over_its_products()
    {
        int threads = get_num_threads();
        try
        {
            set_num_threads(1);
            var trial = Studies.FashionScalingSweep.Trials.Single(t => t.Name == "FashionScaling/model=fashion7-w64d2,seed=0,steps=3750");
            var step = StepRate.Measure(trial.Resolved(ViTDsl.Precision.Fp32), ViTDsl.Precision.Fp32, timedSteps: 2);
            var peak = MatmulPeak.Measure(ViTDsl.Precision.Fp32, threads: 1, trainers: 1, MatmulPeak.ProductsOf(trial.Declaration.Model, trial.Declaration.Data.Batch));
            output.WriteLine($"training step {step.Gflops:F1} GFLOP/s ({step.SecondsPerStep * 1e3:F0} ms), fp32 peak {peak.Gflops:F1} GFLOP/s: {peak.Method}");
            Assert.True(step.Gflops < peak.Gflops, $"training step {step.Gflops:F1} GFLOP/s, peak {peak.Gflops:F1} GFLOP/s ({peak.Method})");
        }
        finally { set_num_threads(threads); }
    }
}
