using Microsoft.Data.Sqlite;
using ViTDsl.Runtime.Store;

namespace ViTDsl.Tests.Store;

public sealed class StoreErrorTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private static void Sql(string path, string sql)
    {
        using var raw = new SqliteConnection($"Data Source={path};Pooling=False");
        raw.Open();
        using var command = raw.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    [Fact]
    public void A_file_that_is_not_SQLite_is_named_with_the_fix()
    {
        var path = _folder.File("notes.db");
        File.WriteAllText(path, "these are my notes, not a database");
        var e = Assert.Throws<StoreCorruptException>(() => ResultsStore.Open(path));
        Assert.Contains(path, e.Message);
        Assert.Contains("move it aside or delete it", e.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Equal("these are my notes, not a database", File.ReadAllText(path)); // untouched
    }

    [Fact]
    public void A_malformed_database_is_named_with_the_fix()
    {
        var path = _folder.File("broken.db");
        using (var store = ResultsStore.Open(path, new StoreOptions { SyncEveryCommit = false }))
        {
            var trial = store.EnsureSweep("s", [("t", "{}")])[0];
            var attempt = store.BeginAttempt(trial.Id);
            store.RecordProgress(attempt, Enumerable.Range(0, 2000).Select(i => new MetricRecord(i, "loss", i)).ToList(), []);
        }
        Sql(path, "PRAGMA wal_checkpoint(TRUNCATE); PRAGMA journal_mode = DELETE");
        // Keep the header page, overwrite every later page (the tables' b-trees) with garbage.
        var bytes = File.ReadAllBytes(path);
        var pageSize = (bytes[16] << 8) | bytes[17];
        for (var i = pageSize; i < bytes.Length; i++) bytes[i] = (byte)(i * 7 + 3);
        File.WriteAllBytes(path, bytes);

        var e = Assert.ThrowsAny<StoreException>(() =>
        {
            using var store = ResultsStore.Open(path);
            store.Trials("s");
        });
        Assert.IsType<StoreCorruptException>(e);
        Assert.Contains(path, e.Message);
        Assert.Contains("move it aside or delete it", e.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void A_store_locked_past_the_busy_timeout_says_so()
    {
        var path = _folder.File("locked.db");
        using (ResultsStore.Open(path)) { }
        using var holder = new SqliteConnection($"Data Source={path};Pooling=False");
        holder.Open();
        using var tx = holder.BeginTransaction(); // BEGIN IMMEDIATE: holds the write lock
        using var store = ResultsStore.Open(path, new StoreOptions { BusyTimeout = TimeSpan.FromMilliseconds(300) });
        Assert.Empty(store.Trials("s")); // WAL: reading is not blocked by the writer
        var e = Assert.Throws<StoreLockedException>(() => store.EnsureSweep("s", [("t", "{}")]));
        Assert.Contains(path, e.Message);
        Assert.Contains("0.3 s", e.Message);
        Assert.Contains("wait for it to finish", e.Message);
    }

    [Fact]
    public void A_store_locked_by_a_runner_that_stopped_renewing_its_lease_names_that_runner()
    {
        // The frozen runner: it holds the sweep's lease (renewed 0.3 s ago, past the 0.1 s stale age below) and the write lock.
        var path = _folder.File("frozen.db");
        var frozen = new RunnerIdentity(Environment.ProcessId, Environment.MachineName, null);
        using (var store = ResultsStore.Open(path)) store.AcquireLease("s", TimeSpan.FromMinutes(1), out _, frozen);
        Thread.Sleep(300);
        using var holder = new SqliteConnection($"Data Source={path};Pooling=False");
        holder.Open();
        using var tx = holder.BeginTransaction();
        using var other = ResultsStore.Open(path, new StoreOptions { BusyTimeout = TimeSpan.FromMilliseconds(300) });
        var e = Assert.Throws<StoreLockedException>(() => other.AcquireLease("s", TimeSpan.FromMilliseconds(100), out _, new RunnerIdentity(1, "elsewhere", null)));
        Assert.Contains("stayed locked", e.Message);
        Assert.Contains($"({frozen}) has not renewed its lease", e.Message);
        Assert.Contains($"kill -CONT {Environment.ProcessId}", e.Message);

        // A live holder (within its stale age) is not accused: the plain message.
        var live = Assert.Throws<StoreLockedException>(() => other.AcquireLease("s", TimeSpan.FromMinutes(1), out _, new RunnerIdentity(1, "elsewhere", null)));
        Assert.DoesNotContain("has not renewed", live.Message);
    }

    [Fact]
    public void A_store_from_a_newer_version_is_refused_not_misread()
    {
        var path = _folder.File("future.db");
        using (ResultsStore.Open(path)) { }
        Sql(path, "PRAGMA user_version = 7");
        var e = Assert.Throws<StoreSchemaException>(() => ResultsStore.Open(path));
        Assert.Contains("schema version 7", e.Message);
        Assert.Contains("newer ViTDsl", e.Message);
    }

    [Fact]
    public void Another_programs_SQLite_database_is_refused()
    {
        var path = _folder.File("other.db");
        Sql(path, "CREATE TABLE customers(id INTEGER)");
        var e = Assert.Throws<StoreSchemaException>(() => ResultsStore.Open(path));
        Assert.Contains("not a ViTDsl results store", e.Message);
        Assert.Contains("customers", e.Message);
    }
}
