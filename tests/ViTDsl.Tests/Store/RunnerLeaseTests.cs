using System.Diagnostics;
using Microsoft.Data.Sqlite;
using ViTDsl.Runtime.Store;

namespace ViTDsl.Tests.Store;

/// <summary>The lease that lets one runner at a time run a sweep of a store: refusal, take-over, renewal, release.</summary>
public sealed class RunnerLeaseTests : IDisposable
{
    private static readonly TimeSpan Minute = TimeSpan.FromMinutes(1);
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private ResultsStore Open() => ResultsStore.Open(_folder.File("lease.db"));

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

    [Fact]
    public void A_version_1_store_is_migrated_keeping_its_attempts_and_can_record_timed_out_attempts()
    {
        var path = _folder.File("v1.db");
        using (var raw = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            raw.Open();
            using var command = raw.CreateCommand();
            command.CommandText = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Store", "StoreSchemaV1.sql")) + """
                PRAGMA user_version = 1;
                INSERT INTO sweeps(id, name, created_utc) VALUES(1, 's', '2026-01-01T00:00:00Z');
                INSERT INTO trials(id, sweep_id, name, spec_json, status, attempts, failures, updated_utc) VALUES(1, 1, 't', '{}', 'failed', 1, 1, '2026-01-01T00:00:00Z');
                INSERT INTO attempts(trial_id, attempt, status, worker_pid, error, started_utc) VALUES(1, 1, 'failed', 42, 'boom', '2026-01-01T00:00:00Z');
                """;
            command.ExecuteNonQuery();
        }

        using var store = ResultsStore.Open(path);
        var trial = store.Trials("s").Single();
        Assert.Equal(AttemptOutcome.Failed, store.Attempts(trial.Id).Single().Outcome);
        Assert.Equal((42, "boom"), (store.Attempts(trial.Id).Single().WorkerPid, store.Attempts(trial.Id).Single().Error));
        var attempt = store.BeginAttempt(trial.Id);
        store.CompleteAttempt(attempt, AttemptOutcome.TimedOut, "timed out: test", null);
        Assert.Equal([AttemptOutcome.Failed, AttemptOutcome.TimedOut], store.Attempts(trial.Id).Select(a => a.Outcome));
        Assert.Equal((TrialStatus.Failed, 2), (store.Trials("s").Single().Status, store.Trials("s").Single().Failures));
        Assert.NotNull(store.AcquireLease("s", Minute, out _));
        Assert.Equal("ok", store.IntegrityCheck());
    }
}
