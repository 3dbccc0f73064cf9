using System.Diagnostics;
using ViTDsl.Runtime.Store;

namespace ViTDsl.Tests.Store;

/// <summary>The leases that let one runner at a time run a sweep (or a trial) of a store: refusal, take-over, renewal, release.</summary>
public abstract class RunnerLeaseContract<TStore> : IDisposable where TStore : IStoreUnderTest, new()
{
    private static readonly TimeSpan Minute = TimeSpan.FromMinutes(1);
    private readonly TStore _store = new();

    public void Dispose() => _store.Dispose();

    private ResultsStore Open() => _store.Open();

    // The pid of a process that has exited (and been reaped).
    private static int DeadPid()
    {
        using var process = Process.Start("true")!;
        process.WaitForExit();
        return process.Id;
    }

    [Fact]
    public void A_second_runner_is_refused_with_a_message_naming_the_holder_pid_host_and_since()
    {
        using var first = Open();
        using var second = Open(); // another connection, as another process would have
        var held = first.AcquireLease("s", Minute, out var before);
        Assert.Null(before);
        // The holder is alive (it is this very process): any other holding, even by a second runner here, is refused.
        var e = Assert.Throws<SweepLeaseHeldException>(() => second.AcquireLease("s", Minute, out _));
        Assert.Equal(held, e.Held);
        Assert.Contains($"pid {Environment.ProcessId} on host {Environment.MachineName}", e.Message);
        Assert.Contains($"since {held.Since:yyyy-MM-dd HH:mm:ss} UTC", e.Message);
        Assert.Contains(first.Path, e.Message);
        Assert.DoesNotContain('\n', e.Message);
        Assert.Equal(held.Token, second.Lease("s")!.Token); // the refusal changed nothing
        Assert.True(first.RenewLease(held));
    }

    [Fact]
    public void The_lease_of_a_runner_that_died_on_this_host_is_taken_over()
    {
        using var store = Open();
        var dead = new RunnerIdentity(DeadPid(), Environment.MachineName, DateTimeOffset.UtcNow.AddMinutes(-1));
        var old = store.AcquireLease("s", Minute, out _, dead);

        var lease = store.AcquireLease("s", Minute, out var takenOver);

        Assert.Equal(old, takenOver);
        Assert.Equal(RunnerIdentity.Current, store.Lease("s")!.Holder);
        Assert.False(store.RenewLease(old)); // the dead runner's holding is gone for good
        Assert.True(store.RenewLease(lease));
    }

    [Fact]
    public void A_live_pid_that_started_later_than_the_holder_is_a_reused_pid_and_the_lease_is_taken_over()
    {
        using var store = Open();
        var me = RunnerIdentity.Current;
        var earlierProcessWithMyPid = me with { ProcessStart = me.ProcessStart!.Value.AddHours(-1) };
        store.AcquireLease("s", Minute, out _, earlierProcessWithMyPid);

        store.AcquireLease("s", Minute, out var takenOver);

        Assert.Equal(earlierProcessWithMyPid, takenOver!.Holder);
    }

    [Fact]
    public void On_another_host_only_a_stale_lease_is_taken_over()
    {
        using var store = Open();
        var remote = new RunnerIdentity(DeadPid(), "some-other-host", null); // its pid means nothing here
        var held = store.AcquireLease("s", Minute, out _, remote);
        Assert.Throws<SweepLeaseHeldException>(() => store.AcquireLease("s", Minute, out _));

        Thread.Sleep(300); // no renewal for longer than the stale age below
        store.AcquireLease("s", TimeSpan.FromMilliseconds(200), out var takenOver);
        Assert.Equal(held, takenOver);
    }

    [Fact]
    public void A_released_lease_is_free_and_leases_of_other_sweeps_are_independent()
    {
        using var store = Open();
        var a = store.AcquireLease("a", Minute, out _);
        var other = new RunnerIdentity(DeadPid(), "some-other-host", null);
        store.AcquireLease("b", Minute, out var none, other); // another sweep: no conflict
        Assert.Null(none);

        store.ReleaseLease(a);
        Assert.Null(store.Lease("a"));
        store.AcquireLease("a", Minute, out var previous, other);
        Assert.Null(previous);
    }

    private static (TrialRecord A, TrialRecord B) Trials(ResultsStore store)
    {
        var trials = store.EnsureSweep("s", [("a", "{}"), ("b", "{}")]);
        return (trials[0], trials[1]);
    }

    [Fact]
    public void A_trial_held_by_a_live_runner_is_refused_and_another_trial_of_the_sweep_is_not()
    {
        using var first = Open();
        using var second = Open();
        var (a, b) = Trials(first);
        var held = first.AcquireTrialLease(a, Minute, out var before);
        Assert.Null(before);
        Assert.Equal("a", held.Trial);
        var e = Assert.Throws<SweepLeaseHeldException>(() => second.AcquireTrialLease(a, Minute, out _));
        Assert.Contains("Trial 'a' of sweep 's'", e.Message);
        Assert.Equal(held.Token, e.Held.Token);
        Assert.NotNull(second.AcquireTrialLease(b, Minute, out _)); // the other trial is free
        Assert.Equal(["a", "b"], first.TrialLeases("s").Keys.Order());
        Assert.True(first.RenewLease(held));
        first.ReleaseLease(held);
        Assert.Equal(["b"], first.TrialLeases("s").Keys);
    }

    [Fact]
    public void A_sweep_lease_and_the_leases_of_its_trials_exclude_each_other()
    {
        using var store = Open();
        var (a, _) = Trials(store);
        var trial = store.AcquireTrialLease(a, Minute, out _);
        Assert.Contains("Trial 'a' of sweep 's'", Assert.Throws<SweepLeaseHeldException>(() => store.AcquireLease("s", Minute, out _)).Message);
        store.ReleaseLease(trial);
        var sweep = store.AcquireLease("s", Minute, out _);
        Assert.Contains("Sweep 's'", Assert.Throws<SweepLeaseHeldException>(() => store.AcquireTrialLease(a, Minute, out _)).Message);
        store.ReleaseLease(sweep);
        Assert.NotNull(store.AcquireTrialLease(a, Minute, out _));
    }

    [Fact]
    public void The_trial_lease_of_a_task_that_died_is_taken_over_and_a_stale_remote_one_too()
    {
        using var store = Open();
        var (a, b) = Trials(store);
        var dead = store.AcquireTrialLease(a, Minute, out _, new RunnerIdentity(DeadPid(), Environment.MachineName, DateTimeOffset.UtcNow.AddMinutes(-1)));
        store.AcquireTrialLease(a, Minute, out var takenOver);
        Assert.Equal(dead.Token, takenOver!.Token);
        Assert.False(store.RenewLease(dead));

        var remote = store.AcquireTrialLease(b, Minute, out _, new RunnerIdentity(DeadPid(), "some-other-host", null));
        Assert.Throws<SweepLeaseHeldException>(() => store.AcquireTrialLease(b, Minute, out _)); // another host: alive until stale
        Thread.Sleep(300);
        store.AcquireTrialLease(b, TimeSpan.FromMilliseconds(200), out var stale);
        Assert.Equal(remote.Token, stale!.Token);
    }

    [Fact]
    public void Every_write_of_an_attempt_is_fenced_by_its_lease_and_a_taken_over_one_writes_nothing()
    {
        using var loser = Open();
        using var winner = Open(); // another process's connection
        var lease = loser.AcquireLease("s", Minute, out _);
        var trial = loser.EnsureSweep("s", [("t", "{}")]).Single();
        var attempt = loser.BeginAttempt(trial.Id, lease);
        loser.RecordProgress(attempt, [new MetricRecord(1, "loss", 0.5)], []); // held: written

        // Another host's runner found this lease stale (modelled by a stale age of zero) and took the sweep over.
        winner.AcquireLease("s", TimeSpan.Zero, out var takenOver, new RunnerIdentity(4242, "another-host", null));
        Assert.Equal(lease.Token, takenOver!.Token);
        winner.RecoverInterrupted("s", takenOver);
        var before = (winner.Trials("s").Single(), winner.Attempts(trial.Id).Single(), winner.Metrics(trial.Id).Single(), winner.Logs(trial.Id).Count);

        Assert.Throws<SweepLeaseLostException>(() => loser.RecordProgress(attempt, [new MetricRecord(1, "loss", 9.0), new MetricRecord(2, "loss", 9.0)], []));
        Assert.Throws<SweepLeaseLostException>(() => loser.RecordLog(attempt, LogSource.Runner, ["late"]));
        Assert.Throws<SweepLeaseLostException>(() => loser.SetWorkerPid(attempt, 7));
        var e = Assert.Throws<SweepLeaseLostException>(() => loser.CompleteAttempt(attempt, AttemptOutcome.Failed, "late", null));
        Assert.Throws<SweepLeaseLostException>(() => loser.BeginAttempt(trial.Id, lease));
        Assert.Contains("no longer holds sweep 's'", e.Message);
        Assert.Equal(before, (winner.Trials("s").Single(), winner.Attempts(trial.Id).Single(), winner.Metrics(trial.Id).Single(), winner.Logs(trial.Id).Count));
        Assert.Equal(AttemptOutcome.LostLease, before.Item2.Outcome); // its holder (this process) is alive: it lost the lease, it did not die
    }

    [Fact]
    public void The_attempt_of_a_live_runner_that_went_stale_is_recorded_as_lost_lease()
    {
        using var store = Open();
        var lease = store.AcquireLease("s", Minute, out _);
        var trial = store.EnsureSweep("s", [("t", "{}")]).Single();
        store.BeginAttempt(trial.Id, lease);
        // This very process, alive, but its lease stale: suspended, or cut off from the store.
        store.AcquireLease("s", TimeSpan.Zero, out var takenOver);
        Assert.Equal(1, store.RecoverInterrupted("s", takenOver));
        var attempt = store.Attempts(trial.Id).Single();
        Assert.Equal(AttemptOutcome.LostLease, attempt.Outcome);
        Assert.Contains($"pid {Environment.ProcessId}", attempt.Error);
        Assert.Equal((TrialStatus.Pending, 0), (store.Trials("s").Single().Status, store.Trials("s").Single().Failures));
    }

    [Fact]
    public void Lease_times_are_the_store_clock()
    {
        using var store = Open();
        var before = store.ClockNow();
        var lease = store.AcquireLease("s", Minute, out _);
        var after = store.ClockNow();
        // PostgreSQL's now() is the server's transaction time; SQLite's store clock is this host's.
        Assert.InRange(store.Lease("s")!.Renewed, before, after);
        Assert.Equal(lease.Since, store.Lease("s")!.Since);
    }

    [Fact]
    public void A_migration_is_refused_while_live_runners_hold_leases_naming_them_and_runs_once_they_are_gone()
    {
        using var runner = Open();
        var current = _store.SchemaVersion();
        var sweepLease = runner.AcquireLease("whole", Minute, out _);
        var trialLease = runner.AcquireTrialLease(runner.EnsureSweep("tasks", [("t1", "{}")]).Single(), Minute, out _);
        runner.AcquireLease("dead", Minute, out _, new RunnerIdentity(DeadPid(), Environment.MachineName, null)); // blocks nothing
        _store.SetSchemaVersion(current - 1); // as if this build were newer than the runners' build

        var e = Assert.Throws<StoreSchemaException>(() => Open());
        Assert.Contains($"schema version {current - 1}, which this ViTDsl build would migrate to {current}, but 2 runners are writing to it now", e.Message);
        Assert.Contains($"sweep 'whole' by pid {Environment.ProcessId} on host {Environment.MachineName}", e.Message);
        Assert.Contains($"trial 't1' of sweep 'tasks' by pid {Environment.ProcessId}", e.Message);
        Assert.DoesNotContain("'dead'", e.Message);
        Assert.Contains("Let them finish (or stop them: they resume), then run this command again", e.Message);
        Assert.DoesNotContain('\n', e.Message);
        Assert.Equal(current - 1, _store.SchemaVersion()); // not migrated
        Assert.True(runner.RenewLease(sweepLease)); // and the runners were not disturbed
        Assert.True(runner.RenewLease(trialLease));

        runner.ReleaseLease(sweepLease);
        runner.ReleaseLease(trialLease);
        using (Open()) Assert.Equal(current, _store.SchemaVersion()); // only the dead runner's lease is left: migrated
    }

    [Fact]
    public async Task Of_eight_runners_racing_for_one_trial_exactly_one_wins()
    {
        using (var setup = Open()) Trials(setup);
        using var go = new ManualResetEventSlim();
        var racers = Enumerable.Range(0, 8).Select(i => Task.Run(() =>
        {
            using var store = Open(); // its own connection, as a task on another node would have
            var trial = store.Trials("s").Single(t => t.Name == "a");
            go.Wait();
            // Each racer is a different runner (another host), so only the lease itself can keep them apart.
            try { store.AcquireTrialLease(trial, Minute, out _, new RunnerIdentity(1000 + i, $"node{i}", null)); return true; }
            catch (SweepLeaseHeldException) { return false; }
        })).ToList();
        go.Set();
        Assert.Equal(1, (await Task.WhenAll(racers)).Count(won => won));
    }
}

public sealed class RunnerLeaseContractOnSqlite : RunnerLeaseContract<SqliteStoreUnderTest>;
