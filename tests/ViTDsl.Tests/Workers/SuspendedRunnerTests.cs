using System.Diagnostics;
using Microsoft.Data.Sqlite;
using ViTDsl.Runtime.Store;
using ViTDsl.TestWorker;
using ViTDsl.Tests.Store;

namespace ViTDsl.Tests.Workers;

/// <summary>
/// Fenced leases: a runner suspended (SIGSTOP, with its worker: a paused VM or a swapped-out node) past its lease's
/// stale age is taken over by another runner, which finishes the trial; resumed (SIGCONT), the first runner finds its
/// lease gone, stops, and changes nothing the new owner wrote. The stale age is shortened to 2 s (it is 60 s by default).
/// The first runner's attempt waits at step 12 until it is cancelled, so however slow the machine, it cannot finish the
/// trial before it is suspended; the attempt that takes over (the trial's second) does not wait. The suspension lands
/// between two of A's store writes: a runner frozen inside a write holds SQLite's write lock, and every other writer then
/// waits for it (up to the busy timeout, then fails saying the store is locked: docs/reliability.md). That is SQLite's
/// limit, not the scenario under test; it made this test fail once in CI, runner B giving up after 30 s.
/// </summary>
public sealed class SuspendedRunnerTests : IDisposable
{
    private readonly TempFolder _folder = new();
    private RunnerProcess? _first;

    public void Dispose()
    {
        if (_first is { Process.HasExited: false } left) left.Process.Kill(entireProcessTree: true); // a failed test leaves no runner behind
        _folder.Dispose();
    }

    [Fact]
    public async Task A_resumed_runner_whose_lease_was_taken_over_changes_nothing_the_new_owner_wrote()
    {
        var payload = new LeastSquaresPayload(Seed: 11, Rows: 24, Cols: 4, Steps: 60, LearningRate: 0.05, CheckpointEvery: 10, StepDelayMs: 10,
            HangAtStep: 12, Hang: HangMode.Wait);
        var sweepFile = RunnerProcess.WriteSweep(_folder.Path, "paused", new Dictionary<string, LeastSquaresPayload> { ["slow"] = payload });
        var storePath = _folder.File("paused.db");
        string[] command = ["--store", storePath, "--runs", _folder.File("runs"), "--sweep", sweepFile, "--lease-stale", "2"];

        var first = _first = RunnerProcess.Start(command);
        var worker = await WorkerPastFirstCheckpointAsync(storePath, first);
        await SuspendBetweenWritesAsync(storePath, first.Process.Id, worker);
        (int Code, string Output) second;
        string ownersRecord;
        try
        {
            await Task.Delay(TimeSpan.FromSeconds(3)); // past the 2 s stale age
            var runner = RunnerProcess.Start(command);
            second = (await runner.ExitCodeAsync(TimeSpan.FromMinutes(2)), runner.Output);
        }
        finally
        {
            ownersRecord = RunnerProcess.Snapshot(storePath, "paused");
            RunnerProcess.Signal(worker, RunnerProcess.SigCont);
            RunnerProcess.Signal(first.Process.Id, RunnerProcess.SigCont);
        }
        Assert.True(second.Code == 0, $"the runner taking over failed:\n{second.Output}");
        Assert.Contains($"took the sweep over from pid {first.Process.Id}", second.Output);
        var code = await first.ExitCodeAsync(TimeSpan.FromMinutes(1));
        Assert.Equal(ownersRecord, RunnerProcess.Snapshot(storePath, "paused")); // byte for byte: nothing changed
        Assert.True(code == 1 && (first.Output.Contains("no longer holds sweep 'paused'") || first.Output.Contains("lost sweep 'paused'")),
            $"the resumed runner should stop, saying it lost the sweep (exit {code}):\n{first.Output}");

        using var store = ResultsStore.Open(storePath);
        var trial = store.Trials("paused").Single();
        Assert.Equal((TrialStatus.Succeeded, 0), (trial.Status, trial.Failures));
        var attempts = store.Attempts(trial.Id);
        Assert.Equal([AttemptOutcome.LostLease, AttemptOutcome.Succeeded], attempts.Select(a => a.Outcome));
        Assert.Contains($"pid {first.Process.Id}", attempts[0].Error);
        SweepRunnerTests.AssertEqualToOracle(LeastSquaresOracle.Metrics(payload), store.Metrics(trial.Id));
        Assert.Null(store.Lease("paused"));
    }

    // Suspends the runner and its worker at a moment the runner holds no write lock on the store: if the lock is taken
    // (the runner was frozen inside a write), they are resumed and suspended again a moment later.
    private static async Task SuspendBetweenWritesAsync(string storePath, int runner, int worker)
    {
        for (var tries = 1; ; tries++)
        {
            RunnerProcess.Signal(runner, RunnerProcess.SigStop);
            RunnerProcess.Signal(worker, RunnerProcess.SigStop);
            if (WriteLockIsFree(storePath)) return;
            Assert.True(tries < 100, "the runner held the store's write lock at each of 100 suspensions");
            RunnerProcess.Signal(worker, RunnerProcess.SigCont);
            RunnerProcess.Signal(runner, RunnerProcess.SigCont);
            await Task.Delay(20);
        }
    }

    private static bool WriteLockIsFree(string storePath)
    {
        using var probe = new SqliteConnection($"Data Source={storePath};Pooling=False;Default Timeout=1");
        probe.Open();
        using (var timeout = probe.CreateCommand()) { timeout.CommandText = "PRAGMA busy_timeout = 0"; timeout.ExecuteNonQuery(); }
        try
        {
            using var tx = probe.BeginTransaction(); // BEGIN IMMEDIATE: takes the write lock, or fails at once if it is held
            tx.Rollback();
            return true;
        }
        catch (SqliteException e) when (e.SqliteErrorCode is 5 or 6) { return false; } // SQLITE_BUSY, SQLITE_LOCKED
    }

    // The first runner's worker once it has recorded a checkpoint (so the take-over has progress to resume from).
    private static async Task<int> WorkerPastFirstCheckpointAsync(string storePath, RunnerProcess runner)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            Assert.False(runner.Process.HasExited, $"the runner ended before it could be suspended:\n{runner.Output}");
            Assert.True(clock.Elapsed < TimeSpan.FromMinutes(1), $"the runner recorded no checkpoint in a minute:\n{runner.Output}");
            if (runner.Output.Contains("trials to run")) // the store exists: opening it now races no creation
            {
                using var store = ResultsStore.Open(storePath);
                if (store.Trials("paused").SingleOrDefault() is { } trial && store.Checkpoints(trial.Id).Count > 0
                    && store.Attempts(trial.Id).SingleOrDefault()?.WorkerPid is { } pid)
                    return pid;
            }
            await Task.Delay(50);
        }
    }
}
