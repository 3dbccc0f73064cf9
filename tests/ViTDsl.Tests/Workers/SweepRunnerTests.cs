using ViTDsl.Runtime.Store;
using ViTDsl.Runtime.Workers;

namespace ViTDsl.Tests.Workers;

/// <summary>The runner with real worker processes (the TestWorker executable) over the uninterrupted <see cref="MixedSweep"/>.</summary>
[Collection(MixedSweep.Collection)]
public sealed class SweepRunnerTests(MixedSweep sweep)
{
    private ResultsStore Open() => ResultsStore.Open(sweep.StorePath);

    private static TrialRecord Trial(ResultsStore store, string name) => store.Trials(MixedSweep.Definition.Name).Single(t => t.Name == name);

    internal static void AssertEqualToOracle(IEnumerable<MetricRecord> expected, IReadOnlyList<MetricRecord> actual)
    {
        var e = expected.ToList();
        Assert.Equal(e.Select(m => (m.Name, m.Step)), actual.Select(m => (m.Name, m.Step))); // nothing missing, nothing twice
        foreach (var (want, got) in e.Zip(actual))
            Assert.True(Math.Abs(want.Value - got.Value) <= 1e-10 * Math.Max(1, Math.Abs(want.Value)), $"{got} differs from the oracle's {want.Value}");
    }

    [Fact]
    public void Every_succeeded_trial_recorded_exactly_the_metrics_of_an_independent_gradient_descent()
    {
        using var store = Open();
        Assert.Equal(new SweepSummary(Succeeded: 3, Failed: 1, Skipped: 0, Cancelled: false), sweep.Summary);
        foreach (var name in new[] { "plain", "crash-once", "long" })
        {
            var trial = Trial(store, name);
            Assert.Equal(TrialStatus.Succeeded, trial.Status);
            AssertEqualToOracle(LeastSquaresOracle.Metrics(MixedSweep.Payloads[name]), store.Metrics(trial.Id));
            var every = MixedSweep.Payloads[name].CheckpointEvery;
            var checkpoints = store.Checkpoints(trial.Id);
            Assert.Equal(Enumerable.Range(1, MixedSweep.Payloads[name].Steps / every).Select(k => (long)(k * every)), checkpoints.Select(c => c.Step));
            Assert.All(checkpoints, c => Assert.True(CheckpointFiles.Matches(c.Path, c.Sha256), $"{c.Path} does not match its recorded checksum"));
        }
    }

    [Fact]
    public void A_crashing_worker_is_recorded_as_a_failed_attempt_with_its_log_and_retried_from_its_checkpoint()
    {
        using var store = Open();
        var trial = Trial(store, "crash-once");
        var attempts = store.Attempts(trial.Id);
        Assert.Equal([AttemptOutcome.Failed, AttemptOutcome.Succeeded], attempts.Select(a => a.Outcome));
        Assert.Contains("signal 9", attempts[0].Error);
        Assert.Equal((2, 1), (trial.Attempts, trial.Failures));

        var logs = store.Logs(trial.Id);
        Assert.Contains(logs, l => l is { Attempt: 1, Source: LogSource.Stderr } && l.Text.Contains("crashing at step 12"));
        Assert.Contains(logs, l => l is { Attempt: 1, Source: LogSource.Runner } && l.Text.Contains("attempt 1 failed"));
        Assert.Contains(logs, l => l is { Attempt: 2, Source: LogSource.Worker } && l.Text.Contains("resuming from the checkpoint of step 10"));
    }

    [Fact]
    public void A_trial_that_always_crashes_fails_after_two_attempts_and_the_sweep_goes_on()
    {
        using var store = Open();
        var trial = Trial(store, "crash-always");
        Assert.Equal((TrialStatus.Failed, 2, 2), (trial.Status, trial.Attempts, trial.Failures));
        Assert.Contains("signal 9", trial.Error);
        AssertEqualToOracle(LeastSquaresOracle.Metrics(MixedSweep.Payloads["crash-always"] with { Steps = 5 }), store.Metrics(trial.Id));
        Assert.Contains(sweep.Progress, p => p.Event?.StartsWith("crash-always attempt 2 failed:") == true);
        Assert.Equal(3, sweep.Progress[^1].Succeeded);
    }

    [Fact]
    public void Four_workers_ran_at_once_and_left_an_intact_store_with_their_timings()
    {
        using var store = Open();
        Assert.Equal(4, sweep.Progress.Max(p => p.Running.Count));
        Assert.Contains(sweep.Progress, p => p.Running.Any(r => r.Phase == TrialPhase.Training && r.LastStep > 0 && r.Latest.ContainsKey("loss")));
        Assert.Equal("ok", store.IntegrityCheck());
        foreach (var trial in store.Trials(MixedSweep.Definition.Name).Where(t => t.Status == TrialStatus.Succeeded))
        {
            var t = trial.Timings!;
            Assert.True(t.StartSeconds > 0 && t.LoadSeconds > 0 && t.TrainSeconds > 0 && t.RecordSeconds > 0, $"{trial.Name}: {t}");
            // A tolerance, not rounding to 6 places: sums that differ in the 16th digit can round to different 6th digits.
            Assert.Equal(t.WallSeconds, t.StartSeconds + t.LoadSeconds + t.TrainSeconds + t.RecordSeconds, tolerance: 1e-9);
            var payload = MixedSweep.Payloads[trial.Name]; // training sleeps StepDelayMs per step: a floor for its measured time
            Assert.True(t.TrainSeconds >= payload.Steps * payload.StepDelayMs / 1000.0 / trial.Attempts * 0.9, $"{trial.Name}: {t}");
        }
    }
}
