using ViTDsl.Runtime.Compute;
using ViTDsl.Runtime.Store;
using ViTDsl.Runtime.Workers;
using ViTDsl.Tests.Store;

namespace ViTDsl.Tests.Bf16;

public sealed class ThroughputTests : IDisposable
{
    private readonly TempFolder folder = new();

    public void Dispose() => folder.Dispose();

    [Fact]
    public void A_sweep_runs_rate_counts_the_flops_of_the_trials_it_finished_over_its_wall_time()
    {
        using var store = ResultsStore.Open(folder.File("results.db"));
        var trials = store.EnsureSweep("s", [("old", "{}"), ("a", "{}"), ("b", "{}"), ("failed", "{}")]).ToDictionary(t => t.Name, t => t.Id);
        void Finish(string name, double flops, AttemptOutcome outcome)
        {
            var attempt = store.BeginAttempt(trials[name]);
            store.RecordProgress(attempt, [new(10, MetricName.TrainFlops, flops)], []);
            store.CompleteAttempt(attempt, outcome, outcome == AttemptOutcome.Failed ? "crash" : null, null);
        }
        Finish("old", 9e12, AttemptOutcome.Succeeded); // finished by an earlier run: not this run's work
        Finish("a", 3e12, AttemptOutcome.Succeeded);
        Finish("b", 1e12, AttemptOutcome.Succeeded);
        Finish("failed", 5e12, AttemptOutcome.Failed);

        var rates = new PrecisionRates(Fp32Gflops: 100, Bf16Gflops: 400, CpuFeatures.Parse(""));
        var throughput = SweepThroughput.Of(store, "s", new HashSet<string> { "old" }, wallSeconds: 200,
            name => name == "a" ? Precision.Fp32 : Precision.Bf16, rates);

        // Hand-derived: 4 TFLOP in 200 s = 20 GFLOP/s. Peak: the same FLOPs at their own peaks take
        // 3e12/100e9 + 1e12/400e9 = 32.5 s, so 4e12 / 32.5 s = 123.1 GFLOP/s.
        Assert.Equal(2, throughput.Trials);
        Assert.Equal(20, throughput.AchievedGflops, 1e-9);
        Assert.Equal(4e12 / 32.5 / 1e9, throughput.PeakGflops, 1e-9);
        Assert.Equal(20 / (4e12 / 32.5 / 1e9), throughput.ShareOfPeak, 1e-12);
    }
}
