using System.Diagnostics;
using ViTDsl.Runtime.Store;
using ViTDsl.TestWorker;
using ViTDsl.Tests.Store;

namespace ViTDsl.Tests.Workers;

/// <summary>
/// Clean shutdown with real signals, as scancel gives them (SIGTERM to the runner and its workers): two workers whose
/// steps take 4 s each and cannot be interrupted (like a large model's step in native code) finish their current
/// step, their attempts are recorded as interrupted, the lease is released, and the runner exits on its own; the
/// rerun completes both trials to the metrics of an independent gradient descent. The runner runs under the CLI's
/// invocation (its signal handling and termination timeout).
/// </summary>
[Collection(SerialCollection.Name)]
public sealed class ShutdownTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private static readonly Dictionary<string, LeastSquaresPayload> Trials = new()
    {
        ["a"] = new(Seed: 31, Rows: 16, Cols: 3, Steps: 4, LearningRate: 0.1, CheckpointEvery: 1, BusyStepMs: 4000),
        ["b"] = new(Seed: 32, Rows: 16, Cols: 3, Steps: 4, LearningRate: 0.1, CheckpointEvery: 1, BusyStepMs: 4000),
    };

    [Fact]
    public async Task SIGTERM_mid_step_records_the_attempts_interrupted_releases_the_lease_and_exits_and_the_rerun_completes()
    {
        var storePath = _folder.File("term.db");
        var sweepFile = RunnerProcess.WriteSweep(_folder.Path, "term", Trials);
        string[] command = ["--store", storePath, "--runs", _folder.File("runs"), "--sweep", sweepFile, "--parallel", "2"];

        var runner = RunnerProcess.Start(command);
        var workers = await TrainingWorkersAsync(storePath, runner);
        var clock = Stopwatch.StartNew();
        RunnerProcess.Signal(runner.Process.Id, RunnerProcess.SigTerm);
        foreach (var pid in workers) RunnerProcess.Signal(pid, RunnerProcess.SigTerm);
        var code = await runner.ExitCodeAsync(TimeSpan.FromMinutes(1));
        var exitSeconds = clock.Elapsed.TotalSeconds;
        Console.WriteLine($"SIGTERM to exit: {exitSeconds:F1} s"); // the note's measurement

        Assert.True(code == 3, $"expected the cancelled exit (3), got {code}:\n{runner.Output}");
        using (var store = ResultsStore.Open(storePath))
        {
            Assert.Null(store.Lease("term"));
            foreach (var trial in store.Trials("term"))
            {
                Assert.Equal((TrialStatus.Pending, 0), (trial.Status, trial.Failures));
                Assert.Equal([AttemptOutcome.Interrupted], store.Attempts(trial.Id).Select(a => a.Outcome));
            }
        }
        Assert.All(workers, pid => Assert.False(Alive(pid), $"worker {pid} outlived its runner"));

        var rerun = RunnerProcess.Start(command);
        Assert.True(await rerun.ExitCodeAsync(TimeSpan.FromMinutes(2)) == 0, $"the rerun failed:\n{rerun.Output}");
        using (var store = ResultsStore.Open(storePath))
            foreach (var trial in store.Trials("term"))
            {
                Assert.Equal(TrialStatus.Succeeded, trial.Status);
                SweepRunnerTests.AssertEqualToOracle(LeastSquaresOracle.Metrics(Trials[trial.Name]), store.Metrics(trial.Id));
            }
    }

    // The two workers, once each has recorded its first step (the next one, 4 s long, has just begun).
    private static async Task<int[]> TrainingWorkersAsync(string storePath, RunnerProcess runner)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            Assert.False(runner.Process.HasExited, $"the runner ended before it could be signalled:\n{runner.Output}");
            Assert.True(clock.Elapsed < TimeSpan.FromMinutes(1), $"the workers did not train a step in a minute:\n{runner.Output}");
            if (runner.Output.Contains("trials to run"))
            {
                using var store = ResultsStore.Open(storePath);
                var trials = store.Trials("term");
                if (trials.All(t => store.Metrics(t.Id).Count > 0))
                    return trials.Select(t => store.Attempts(t.Id).Single().WorkerPid!.Value).ToArray();
            }
            await Task.Delay(50);
        }
    }

    private static bool Alive(int pid)
    {
        try { using var p = Process.GetProcessById(pid); return !p.HasExited; }
        catch (ArgumentException) { return false; }
    }
}
