using Microsoft.Data.Sqlite;
using Npgsql;
using ViTDsl.Runtime.Store;

namespace ViTDsl.Tests.Store;

/// <summary>A fresh, empty results store for one test, on one of the databases a store can use.</summary>
public interface IStoreUnderTest : IDisposable
{
    /// <summary>A new connection to the test's store.</summary>
    internal ResultsStore Open(StoreOptions? options = null);

    /// <summary>The schema version as the database holds it, read without ViTDsl.</summary>
    long SchemaVersion();

    /// <summary>Sets the schema version without ViTDsl, as an older ViTDsl left its store (to test the migrations).</summary>
    void SetSchemaVersion(long version);
}

/// <summary>An SQLite file in a temporary folder.</summary>
public sealed class SqliteStoreUnderTest : IStoreUnderTest
{
    private readonly TempFolder _folder = new();
    private string Path => _folder.File("results.db");

    internal ResultsStore Open(StoreOptions? options = null) => ResultsStore.Open(Path, options);
    ResultsStore IStoreUnderTest.Open(StoreOptions? options) => Open(options);

    public long SchemaVersion()
    {
        using var raw = new SqliteConnection($"Data Source={Path};Pooling=False");
        raw.Open();
        using var command = raw.CreateCommand();
        command.CommandText = "PRAGMA user_version";
        return (long)command.ExecuteScalar()!;
    }

    public void SetSchemaVersion(long version) => SetSchemaVersion(Path, version);

    /// <summary>Sets the schema version of the SQLite store at <paramref name="path"/>, without ViTDsl.</summary>
    public static void SetSchemaVersion(string path, long version)
    {
        using var raw = new SqliteConnection($"Data Source={path};Pooling=False");
        raw.Open();
        using var command = raw.CreateCommand();
        command.CommandText = $"PRAGMA user_version = {version}";
        command.ExecuteNonQuery();
    }

    public void Dispose() => _folder.Dispose();
}

/// <summary>
/// A schema of its own in the test cluster's PostgreSQL database (<see cref="TestCluster"/>), dropped afterwards.
/// </summary>
public sealed class PostgresStoreUnderTest : IStoreUnderTest
{
    private readonly string _schema = $"test_{Guid.NewGuid():N}";

    public PostgresStoreUnderTest() => TestCluster.EnsurePostgres();

    /// <summary>The store's URL, as a user would pass it.</summary>
    public string Url => $"{TestCluster.PostgresUrl}?search_path={_schema}";

    internal ResultsStore Open(StoreOptions? options = null) => ResultsStore.Open(Url, options);
    ResultsStore IStoreUnderTest.Open(StoreOptions? options) => Open(options);

    public long SchemaVersion() => Convert.ToInt64(Sql($"SELECT version FROM {_schema}.vitdsl_schema"));

    public void SetSchemaVersion(long version) => Sql($"UPDATE {_schema}.vitdsl_schema SET version = {version}");

    private static object? Sql(string sql)
    {
        using var connection = new NpgsqlConnection(PostgresUrl.Parse(TestCluster.PostgresUrl).ConnectionString);
        connection.Open();
        using var command = new NpgsqlCommand(sql, connection);
        return command.ExecuteScalar();
    }

    public void Dispose() => Sql($"DROP SCHEMA IF EXISTS {_schema} CASCADE");
}
