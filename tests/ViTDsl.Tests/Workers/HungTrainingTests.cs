using System.Text.Json;
using ViTDsl.Runtime.Store;
using ViTDsl.Runtime.Workers;
using ViTDsl.TestWorker;
using ViTDsl.Tests.Store;

namespace ViTDsl.Tests.Workers;

/// <summary>
/// The progress watchdog: a worker wedged in a native call at step 12 of its first attempt (after the checkpoint of step
/// 10) keeps heartbeating and ignores the request to stop, so neither the heartbeat timeout nor cancellation ends it;
/// it makes no training step for far longer than its own steps took, so the runner stops it as hung, kills it, records
/// the attempt as timed out (counted against the budget) and retries the trial from step 10. The limits are generous:
/// the time limit (10 minutes) is far beyond the hang's detection (HangAfter × its step interval, at least 3 s), so
/// only the watchdog can be what stopped it; nothing is asserted about durations.
/// </summary>
public sealed class HungTrainingTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task A_worker_that_stops_making_steps_while_it_heartbeats_is_stopped_as_hung_killed_and_retried_from_its_checkpoint()
    {
        var payload = new LeastSquaresPayload(Seed: 12, Rows: 32, Cols: 5, Steps: 30, LearningRate: 0.1, CheckpointEvery: 5, StepDelayMs: 20,
            HangAtStep: 12, Hang: HangMode.Native);
        var sweep = new SweepDefinition("stuck", [new SweepTrial("native", JsonSerializer.SerializeToElement(payload, new JsonSerializerOptions(JsonSerializerDefaults.Web)))]);
        using var store = ResultsStore.Open(_folder.File("stuck.db"));
        var runner = new SweepRunner(store, new SweepRunnerOptions
        {
            Worker = MixedSweep.Worker, RunRoot = _folder.File("runs"),
            TrialTimeLimit = TimeSpan.FromMinutes(10), HangAfter = 20, HangMinimum = TimeSpan.FromSeconds(3), StopGrace = TimeSpan.FromSeconds(2),
        });

        var summary = await runner.RunAsync(sweep).WaitAsync(TimeSpan.FromMinutes(5));

        Assert.Equal(new SweepSummary(Succeeded: 1, Failed: 0, Skipped: 0, Cancelled: false), summary);
        var trial = store.Trials("stuck").Single();
        Assert.Equal((TrialStatus.Succeeded, 2, 1), (trial.Status, trial.Attempts, trial.Failures)); // the hang counted against the budget
        var attempts = store.Attempts(trial.Id);
        Assert.Equal([AttemptOutcome.TimedOut, AttemptOutcome.Succeeded], attempts.Select(a => a.Outcome));
        Assert.StartsWith("hung: no training step for", attempts[0].Error);
        Assert.Contains("after step 12", attempts[0].Error);
        Assert.EndsWith("the worker was killed", attempts[0].Error); // it ignored the request to stop
        Assert.False(RunnerProcess.IsAlive(attempts[0].WorkerPid!.Value), "the hung worker is still running");

        var logs = store.Logs(trial.Id);
        Assert.Contains(logs, l => l is { Attempt: 1, Source: LogSource.Stderr } && l.Text.Contains("hanging (Native) at step 12"));
        Assert.Contains(logs, l => l is { Attempt: 1, Source: LogSource.Runner } && l.Text.Contains("hung: no training step") && l.Text.Contains("stopping worker"));
        Assert.Contains(logs, l => l is { Attempt: 2, Source: LogSource.Worker } && l.Text.Contains("resuming from the checkpoint of step 10"));
        SweepRunnerTests.AssertEqualToOracle(LeastSquaresOracle.Metrics(payload), store.Metrics(trial.Id));
        Assert.Null(store.Lease("stuck"));
    }
}
