using System.Text.Json;
using ViTDsl.Runtime.Store;
using ViTDsl.Runtime.Workers;
using ViTDsl.TestWorker;
using ViTDsl.Tests.Store;

namespace ViTDsl.Tests.Workers;

/// <summary>
/// One sweep, two hung workers at once, both at step 12 of their first attempt after the checkpoint of step 10:
/// one sleeps forever while its heartbeats go on (only the time limit can end it), the other is frozen by SIGSTOP
/// (its heartbeats stop). Each must be killed, recorded as timed out with its log, and retried from step 10 to the
/// same metrics as an independent gradient descent.
/// </summary>
public sealed class TrialTimeLimitTests : IClassFixture<TrialTimeLimitTests.HungSweep>
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(20), Silence = TimeSpan.FromSeconds(4);

    public sealed class HungSweep : IDisposable
    {
        public static readonly IReadOnlyDictionary<string, LeastSquaresPayload> Payloads = new Dictionary<string, LeastSquaresPayload>
        {
            ["sleeps"] = new(Seed: 7, Rows: 32, Cols: 5, Steps: 30, LearningRate: 0.1, CheckpointEvery: 5, HangAtStep: 12, Hang: HangMode.Sleep),
            ["freezes"] = new(Seed: 8, Rows: 32, Cols: 5, Steps: 30, LearningRate: 0.1, CheckpointEvery: 5, HangAtStep: 12, Hang: HangMode.Freeze),
        };

        public TempFolder Folder { get; } = new();
        internal ResultsStore Store { get; }
        internal SweepSummary Summary { get; }

        public HungSweep()
        {
            Store = ResultsStore.Open(Folder.File("hung.db"));
            var sweep = new SweepDefinition("hung", Payloads.Select(p => new SweepTrial(p.Key,
                JsonSerializer.SerializeToElement(p.Value, new JsonSerializerOptions(JsonSerializerDefaults.Web)))).ToList());
            var runner = new SweepRunner(Store, new SweepRunnerOptions
            {
                Worker = MixedSweep.Worker, RunRoot = Folder.File("runs"), Parallelism = 2, TrialTimeLimit = Limit, HeartbeatTimeout = Silence,
            });
            Summary = runner.RunAsync(sweep).WaitAsync(TimeSpan.FromMinutes(2)).GetAwaiter().GetResult();
        }

        public void Dispose()
        {
            Store.Dispose();
            Folder.Dispose();
        }
    }

    private readonly HungSweep _sweep;

    public TrialTimeLimitTests(HungSweep sweep) => _sweep = sweep;

    private TrialRecord Trial(string name) => _sweep.Store.Trials("hung").Single(t => t.Name == name);

    [Fact]
    public void A_worker_that_sleeps_forever_is_killed_at_the_time_limit_and_its_trial_retried_from_its_checkpoint()
    {
        Assert.Equal(new SweepSummary(Succeeded: 2, Failed: 0, Skipped: 0, Cancelled: false), _sweep.Summary);
        var trial = Trial("sleeps");
        var attempts = _sweep.Store.Attempts(trial.Id);
        Assert.Equal([AttemptOutcome.TimedOut, AttemptOutcome.Succeeded], attempts.Select(a => a.Outcome));
        Assert.Contains($"past the trial time limit of {Limit.TotalSeconds} s", attempts[0].Error);
        // Killed at the limit: not before it, and not much after (the watchdog looks every second at most).
        var wall = attempts[0].Timings!.WallSeconds;
        Assert.InRange(wall, Limit.TotalSeconds, Limit.TotalSeconds + 10);
        Assert.False(RunnerProcess.IsAlive(attempts[0].WorkerPid!.Value), "the hung worker is still running");
        AssertRetriedFromStep10(trial, "Sleep");
    }

    [Fact]
    public void A_frozen_worker_whose_heartbeats_stop_is_detected_and_killed_long_before_the_time_limit()
    {
        var trial = Trial("freezes");
        var attempts = _sweep.Store.Attempts(trial.Id);
        Assert.Equal([AttemptOutcome.TimedOut, AttemptOutcome.Succeeded], attempts.Select(a => a.Outcome));
        Assert.Contains("no heartbeat for", attempts[0].Error);
        Assert.True(attempts[0].Timings!.WallSeconds < Limit.TotalSeconds, $"detected only after {attempts[0].Timings!.WallSeconds} s");
        Assert.False(RunnerProcess.IsAlive(attempts[0].WorkerPid!.Value), "the frozen worker is still there");
        AssertRetriedFromStep10(trial, "Freeze");
    }

    private void AssertRetriedFromStep10(TrialRecord trial, string mode)
    {
        Assert.Equal((TrialStatus.Succeeded, 2, 1), (trial.Status, trial.Attempts, trial.Failures));
        var logs = _sweep.Store.Logs(trial.Id);
        Assert.Contains(logs, l => l is { Attempt: 1, Source: LogSource.Stderr } && l.Text.Contains($"hanging ({mode}) at step 12"));
        Assert.Contains(logs, l => l is { Attempt: 1, Source: LogSource.Runner } && l.Text.Contains("timed out") && l.Text.Contains("killed worker"));
        Assert.Contains(logs, l => l is { Attempt: 2, Source: LogSource.Worker } && l.Text.Contains("resuming from the checkpoint of step 10"));
        SweepRunnerTests.AssertEqualToOracle(LeastSquaresOracle.Metrics(HungSweep.Payloads[trial.Name]), _sweep.Store.Metrics(trial.Id));
    }
}
