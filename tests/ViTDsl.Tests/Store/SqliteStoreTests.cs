using Microsoft.Data.Sqlite;
using ViTDsl.Runtime.Store;

namespace ViTDsl.Tests.Store;

/// <summary>What only the SQLite store does: its file, WAL mode, its schema version in <c>user_version</c>.</summary>
public sealed class SqliteStoreTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void A_new_store_is_in_WAL_mode_at_the_current_schema_version()
    {
        var path = _folder.File("new/results.db"); // the folder does not exist yet
        using (ResultsStore.Open(path)) { }
        using var raw = new SqliteConnection($"Data Source={path};Pooling=False");
        raw.Open();
        using var command = raw.CreateCommand();
        command.CommandText = "PRAGMA journal_mode";
        Assert.Equal("wal", command.ExecuteScalar());
        command.CommandText = "PRAGMA user_version";
        Assert.Equal(5L, command.ExecuteScalar()); // StoreSchema.Version
        command.CommandText = "SELECT group_concat(name, ',') FROM (SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name)";
        Assert.Equal("attempts,checkpoints,fits,logs,metrics,runner_leases,sweeps,trial_leases,trials", command.ExecuteScalar());
    }

    [Fact]
    public void Processes_that_create_a_new_store_at_once_all_open_it()
    {
        for (var round = 0; round < 20; round++)
        {
            var path = _folder.File($"race-{round}.db");
            using var start = new Barrier(4);
            var openers = Enumerable.Range(0, 4).Select(_ => Task.Run(() =>
            {
                start.SignalAndWait();
                using var store = ResultsStore.Open(path); // each its own connection, as another process has
                return store.Sweeps().Count;
            })).ToArray();
            Assert.All(openers, o => Assert.Equal(0, o.GetAwaiter().GetResult()));
        }
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
        // Version 4's statuses: neither counts against the trial's budget.
        store.CompleteAttempt(store.BeginAttempt(trial.Id), AttemptOutcome.Environment, "disk full", null);
        store.CompleteAttempt(store.BeginAttempt(trial.Id), AttemptOutcome.LostLease, "lease lost", null);
        Assert.Equal([AttemptOutcome.Failed, AttemptOutcome.TimedOut, AttemptOutcome.Environment, AttemptOutcome.LostLease], store.Attempts(trial.Id).Select(a => a.Outcome));
        Assert.Equal((TrialStatus.Pending, 2), (store.Trials("s").Single().Status, store.Trials("s").Single().Failures));
        Assert.NotNull(store.AcquireLease("s", TimeSpan.FromMinutes(1), out _));
        Assert.Equal("ok", store.IntegrityCheck());
    }
}
