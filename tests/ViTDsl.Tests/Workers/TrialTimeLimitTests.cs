using System.Text.Json;
using ViTDsl.Runtime.Store;
using ViTDsl.Runtime.Workers;
using ViTDsl.TestWorker;
using ViTDsl.Tests.Store;

namespace ViTDsl.Tests.Workers;

/// <summary>
/// Two hung workers at once, both at step 12 of their first attempt after the checkpoint of step 10: one sleeps
/// forever while its heartbeats go on, the other is frozen by SIGSTOP (its heartbeats stop). Each must be killed,
/// recorded as timed out with its log, and retried from step 10 to the same metrics as an independent gradient
/// descent. Each runs in its own sweep so that only the watchdog under test can end it: the sleeper's heartbeat
/// timeout is longer than its time limit (under a loaded test run a 4 s silence once stopped it first), the frozen
/// one's is short.
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
        internal IReadOnlyDictionary<string, (ResultsStore Store, SweepSummary Summary)> Sweeps { get; }

        public HungSweep()
        {
            // Both at once, as on a real machine; a heartbeat timeout past the limit leaves the sleeper to the limit.
            var sleeps = RunAlone("sleeps", heartbeatTimeout: Limit * 3);
            var freezes = RunAlone("freezes", heartbeatTimeout: Silence);
            Sweeps = new Dictionary<string, (ResultsStore, SweepSummary)>
            {
                ["sleeps"] = sleeps.WaitAsync(TimeSpan.FromMinutes(2)).GetAwaiter().GetResult(),
                ["freezes"] = freezes.WaitAsync(TimeSpan.FromMinutes(2)).GetAwaiter().GetResult(),
            };
        }

        private async Task<(ResultsStore, SweepSummary)> RunAlone(string name, TimeSpan heartbeatTimeout)
        {
            var store = ResultsStore.Open(Folder.File($"{name}.db"));
            var sweep = new SweepDefinition("hung", [new SweepTrial(name,
                JsonSerializer.SerializeToElement(Payloads[name], new JsonSerializerOptions(JsonSerializerDefaults.Web)))]);
            var runner = new SweepRunner(store, new SweepRunnerOptions
            {
                Worker = MixedSweep.Worker, RunRoot = Folder.File($"runs-{name}"), Parallelism = 1, TrialTimeLimit = Limit, HeartbeatTimeout = heartbeatTimeout,
            });
            return (store, await Task.Run(() => runner.RunAsync(sweep)));
        }

        public void Dispose()
        {
            foreach (var (store, _) in Sweeps.Values) store.Dispose();
            Folder.Dispose();
        }
    }

    private readonly HungSweep _sweep;

    public TrialTimeLimitTests(HungSweep sweep) => _sweep = sweep;

    private ResultsStore Store(string name) => _sweep.Sweeps[name].Store;

    private TrialRecord Trial(string name) => Store(name).Trials("hung").Single(t => t.Name == name);

    [Fact]
    public void A_worker_that_sleeps_forever_is_killed_at_the_time_limit_and_its_trial_retried_from_its_checkpoint()
    {
        var trial = Trial("sleeps");
        var attempts = Store("sleeps").Attempts(trial.Id);
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
        var attempts = Store("freezes").Attempts(trial.Id);
        Assert.Equal([AttemptOutcome.TimedOut, AttemptOutcome.Succeeded], attempts.Select(a => a.Outcome));
        Assert.Contains("no heartbeat for", attempts[0].Error);
        Assert.True(attempts[0].Timings!.WallSeconds < Limit.TotalSeconds, $"detected only after {attempts[0].Timings!.WallSeconds} s");
        Assert.False(RunnerProcess.IsAlive(attempts[0].WorkerPid!.Value), "the frozen worker is still there");
        AssertRetriedFromStep10(trial, "Freeze");
    }

    private void AssertRetriedFromStep10(TrialRecord trial, string mode)
    {
        Assert.Equal(new SweepSummary(Succeeded: 1, Failed: 0, Skipped: 0, Cancelled: false), _sweep.Sweeps[trial.Name].Summary);
        Assert.Equal((TrialStatus.Succeeded, 2, 1), (trial.Status, trial.Attempts, trial.Failures));
        var logs = Store(trial.Name).Logs(trial.Id);
        Assert.Contains(logs, l => l is { Attempt: 1, Source: LogSource.Stderr } && l.Text.Contains($"hanging ({mode}) at step 12"));
        Assert.Contains(logs, l => l is { Attempt: 1, Source: LogSource.Runner } && l.Text.Contains("timed out") && l.Text.Contains("killed worker"));
        Assert.Contains(logs, l => l is { Attempt: 2, Source: LogSource.Worker } && l.Text.Contains("resuming from the checkpoint of step 10"));
        SweepRunnerTests.AssertEqualToOracle(LeastSquaresOracle.Metrics(HungSweep.Payloads[trial.Name]), Store(trial.Name).Metrics(trial.Id));
    }
}
