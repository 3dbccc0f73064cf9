using System.Diagnostics;
using System.Text.Json;
using Npgsql;
using ViTDsl.Runtime.Store;
using ViTDsl.Runtime.Workers;
using ViTDsl.TestWorker;
using ViTDsl.Tests.Workers;

namespace ViTDsl.Tests.Store;

/// <summary>
/// A PostgreSQL store whose connection drops: the store reconnects with backoff and the sweep goes on; a connection
/// that cannot be restored is reported as a lost connection, never as a damaged store. The restart test restarts the
/// test cluster's server (as root), so it runs alone, after the parallel tests.
/// </summary>
[Collection(SerialCollection.Name)]
public sealed class ConnectionLossTests : IDisposable
{
    private readonly PostgresStoreUnderTest _postgres = new();
    private readonly TempFolder _folder = new();

    public void Dispose()
    {
        _postgres.Dispose();
        _folder.Dispose();
    }

    [Fact]
    public void A_connection_the_server_ended_is_reopened_and_the_operation_goes_on()
    {
        using var store = Open();
        var trial = store.EnsureSweep("s", [("t", "{}")]).Single();
        Terminate();
        var attempt = store.BeginAttempt(trial.Id); // on a new connection
        store.RecordProgress(attempt, [new MetricRecord(1, "loss", 0.25)], []);
        Assert.Equal(0.25, store.Metrics(trial.Id).Single().Value);
    }

    [Fact]
    public void A_connection_that_cannot_be_restored_is_named_a_lost_connection_not_damage()
    {
        using var store = Open(new StoreOptions { ReconnectTimeout = TimeSpan.Zero });
        store.EnsureSweep("s", [("t", "{}")]);
        Terminate();
        var e = Assert.Throws<StoreException>(() => store.Trials("s"));
        Assert.IsNotType<StoreCorruptException>(e);
        Assert.Contains("Lost the connection to the PostgreSQL server", e.Message);
        Assert.Contains("not damaged", e.Message);
        Assert.DoesNotContain("Move it aside", e.Message);
    }

    [Fact]
    public async Task A_sweep_goes_on_across_a_restart_of_the_PostgreSQL_server()
    {
        var payload = new LeastSquaresPayload(Seed: 41, Rows: 24, Cols: 4, Steps: 60, LearningRate: 0.05, CheckpointEvery: 10, StepDelayMs: 100);
        var sweep = new SweepDefinition("restarted", [new SweepTrial("t", JsonSerializer.SerializeToElement(payload, new JsonSerializerOptions(JsonSerializerDefaults.Web)))]);
        using var store = _postgres.Open();
        var runner = new SweepRunner(store, new SweepRunnerOptions { Worker = MixedSweep.Worker, RunRoot = _folder.File("runs") });
        var running = runner.RunAsync(sweep);
        var clock = Stopwatch.StartNew();
        while (store.Trials("restarted").SingleOrDefault() is not { } trial || store.Metrics(trial.Id).Count < 10)
        {
            Assert.False(running.IsCompleted, "the sweep ended before the server could be restarted");
            Assert.True(clock.Elapsed < TimeSpan.FromMinutes(1), "the sweep recorded nothing in a minute");
            await Task.Delay(50);
        }

        RestartServer();
        var summary = await running.WaitAsync(TimeSpan.FromMinutes(2));

        Assert.Equal(new SweepSummary(Succeeded: 1, Failed: 0, Skipped: 0, Cancelled: false), summary);
        var done = store.Trials("restarted").Single();
        Assert.Equal([AttemptOutcome.Succeeded], store.Attempts(done.Id).Select(a => a.Outcome));
        SweepRunnerTests.AssertEqualToOracle(LeastSquaresOracle.Metrics(payload), store.Metrics(done.Id));
    }

    // The store, its connection tagged so that the test can end it (and only it).
    private ResultsStore Open(StoreOptions? options = null) => ResultsStore.Open($"{_postgres.Url}&application_name={_tag}", options);

    private readonly string _tag = $"connection_loss_{Guid.NewGuid():N}";

    // Ends the store's server process for its connection, as a server restart or a network cut would.
    private void Terminate()
    {
        using var admin = new NpgsqlConnection(PostgresUrl.Parse(TestCluster.PostgresUrl).ConnectionString);
        admin.Open();
        using var command = new NpgsqlCommand("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = @tag", admin);
        command.Parameters.AddWithValue("tag", _tag);
        Assert.Equal(1L, command.ExecuteScalar());
    }

    private static void RestartServer()
    {
        using var restart = Process.Start(new ProcessStartInfo("pg_ctlcluster", ["15", "main", "restart"]) { RedirectStandardError = true })!;
        var error = restart.StandardError.ReadToEnd();
        restart.WaitForExit();
        Assert.True(restart.ExitCode == 0, $"pg_ctlcluster 15 main restart failed (the test needs root): {error}");
        NpgsqlConnection.ClearAllPools(); // the test's own pooled connections (dropping its schema afterwards) died with the server
    }
}

/// <summary>A store kept in a schema named with capitals: PostgreSQL folds the unquoted search_path, and so does the store.</summary>
public sealed class MixedCaseSchemaTests : IDisposable
{
    private readonly string _schema = $"Study_{Guid.NewGuid():N}";

    public MixedCaseSchemaTests() => TestCluster.EnsurePostgres();

    [Fact]
    public void A_search_path_with_capitals_opens_and_reopens_the_store_in_the_folded_schema()
    {
        var url = $"{TestCluster.PostgresUrl}?search_path={_schema}";
        using (var store = ResultsStore.Open(url)) store.EnsureSweep("s", [("t", "{}")]);
        using var again = ResultsStore.Open(url);
        Assert.Equal(["t"], again.Trials("s").Select(t => t.Name));
        Assert.Equal(_schema.ToLowerInvariant(), Sql($"SELECT schema_name FROM information_schema.schemata WHERE schema_name = '{_schema.ToLowerInvariant()}'"));
    }

    private static object? Sql(string sql)
    {
        using var connection = new NpgsqlConnection(PostgresUrl.Parse(TestCluster.PostgresUrl).ConnectionString);
        connection.Open();
        using var command = new NpgsqlCommand(sql, connection);
        return command.ExecuteScalar();
    }

    public void Dispose() => Sql($"DROP SCHEMA IF EXISTS \"{_schema.ToLowerInvariant()}\" CASCADE");
}

/// <summary>Opening a current store reads its version and nothing more: no schema lock, no write (running writers go on).</summary>
public sealed class MigrationOnlyWhenNeededTests : IDisposable
{
    private readonly PostgresStoreUnderTest _postgres = new();

    public void Dispose() => _postgres.Dispose();

    [Fact]
    public void A_current_store_opens_while_another_connection_holds_the_schema_lock()
    {
        using (_postgres.Open()) { } // created
        using var holder = new NpgsqlConnection(PostgresUrl.Parse(TestCluster.PostgresUrl).ConnectionString);
        holder.Open();
        using (var lockIt = new NpgsqlCommand("SELECT pg_advisory_lock(95010385326956)", holder)) lockIt.ExecuteNonQuery(); // the store's schema lock ("ViTDsl")
        using var store = _postgres.Open(new StoreOptions { BusyTimeout = TimeSpan.FromSeconds(2) });
        Assert.Empty(store.Sweeps());
    }
}
