using System.Globalization;
using Microsoft.Data.Sqlite;

namespace ViTDsl.Runtime.Store;

/// <summary>
/// The results of sweeps in one embedded SQLite file: sweeps, trials (status, attempts, spec, timings), attempts,
/// metrics, checkpoints, logs and fits. Every write is one committed transaction before the method returns, so a
/// record the runner has reported survives the runner being killed. WAL mode lets readers (a notebook, the CLI)
/// query while a sweep writes. One instance is safe to use from several threads; several processes may open the
/// same file (writes wait up to <see cref="StoreOptions.BusyTimeout"/> for each other).
/// </summary>
public sealed partial class ResultsStore : IDisposable
{
    private static readonly byte[] SqliteHeader = "SQLite format 3\0"u8.ToArray();
    private readonly SqliteConnection _connection;
    private readonly Lock _gate = new();

    /// <summary>The database file.</summary>
    public string Path { get; }

    /// <summary>The options it was opened with.</summary>
    public StoreOptions Options { get; }

    private ResultsStore(string path, StoreOptions options, SqliteConnection connection)
    {
        Path = path;
        Options = options;
        _connection = connection;
    }

    /// <summary>
    /// Opens the store at <paramref name="path"/>, creating the file (and its folder) if needed.
    /// </summary>
    /// <exception cref="StoreCorruptException">The file is not SQLite or is malformed.</exception>
    /// <exception cref="StoreLockedException">Another connection held it locked past the busy timeout.</exception>
    /// <exception cref="StoreSchemaException">A newer ViTDsl wrote it, or it is another program's database.</exception>
    public static ResultsStore Open(string path, StoreOptions? options = null)
    {
        options ??= new StoreOptions();
        path = System.IO.Path.GetFullPath(path);
        var folder = System.IO.Path.GetDirectoryName(path);
        if (!string.IsNullOrEmpty(folder)) Directory.CreateDirectory(folder);
        if (!LooksLikeSqlite(path)) throw StoreErrors.NotSqlite(path);

        var connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = false, // a pooled connection would keep the file open (and locked on Windows) after Dispose
            DefaultTimeout = Math.Max(1, (int)Math.Ceiling(options.BusyTimeout.TotalSeconds)),
        }.ToString();
        var connection = new SqliteConnection(connectionString);
        var store = new ResultsStore(path, options, connection);
        try
        {
            store.Guard(() =>
            {
                connection.Open();
                connection.CreateFunction(MetricChecksum.SqlFunction, (long t, string n, long s, double? v) => MetricChecksum.Of(t, n, s, v), isDeterministic: true);
                store.Execute($"PRAGMA busy_timeout = {(long)options.BusyTimeout.TotalMilliseconds}");
                store.Execute("PRAGMA foreign_keys = ON");
                store.Execute("PRAGMA journal_mode = WAL");
                store.Execute($"PRAGMA synchronous = {(options.SyncEveryCommit ? "FULL" : "NORMAL")}");
                store.MigrateSchema();
                return 0;
            });
            return store;
        }
        catch
        {
            store.Dispose();
            throw;
        }
    }

    // An existing non-empty file must start with the SQLite header; SQLite itself would only notice at the first
    // query, with a less helpful message. An empty or absent file becomes a new store.
    private static bool LooksLikeSqlite(string path)
    {
        if (!File.Exists(path)) return true;
        using var file = File.OpenRead(path);
        if (file.Length == 0) return true;
        var header = new byte[SqliteHeader.Length];
        return file.ReadAtLeast(header, header.Length, throwOnEndOfStream: false) == header.Length
            && header.AsSpan().SequenceEqual(SqliteHeader);
    }

    private void MigrateSchema()
    {
        var version = Convert.ToInt32(Scalar("PRAGMA user_version"), CultureInfo.InvariantCulture);
        if (version > StoreSchema.Version)
            throw new StoreSchemaException(
                $"The results store '{Path}' has schema version {version}, newer than this ViTDsl build reads " +
                $"(up to {StoreSchema.Version}); if no newer ViTDsl wrote it, its header is damaged. Use a newer ViTDsl, or move it aside to start a new store.")
            { StorePath = Path };
        if (version == StoreSchema.Version) return;
        if (version < 0)
            throw new StoreCorruptException(
                $"The results store '{Path}' is damaged (its schema version reads {version}). " +
                "Move it aside or delete it to start over (its sweeps' trials will run again), or pass another store path.")
            { StorePath = Path };

        using var tx = _connection.BeginTransaction();
        if (version == 0)
        {
            var foreign = Scalar("SELECT group_concat(name, ', ') FROM sqlite_master WHERE type = 'table'", tx) as string;
            if (!string.IsNullOrEmpty(foreign))
                throw new StoreSchemaException(
                    $"'{Path}' is an SQLite database but not a ViTDsl results store (it has tables {foreign}). " +
                    "Pass another store path, or move the file aside.")
                { StorePath = Path };
            Execute(StoreSchema.Create, tx);
        }
        else
        {
            for (var from = version; from < StoreSchema.Version; from++) Execute(StoreSchema.Migrations[from], tx);
        }
        Execute($"PRAGMA user_version = {StoreSchema.Version}", tx);
        tx.Commit();
    }

    /// <summary>Closes the database.</summary>
    public void Dispose()
    {
        lock (_gate) _connection.Dispose();
    }

    // Every public operation runs here: one at a time on the shared connection, with SQLite's errors turned into
    // messages that name the file and the fix.
    private T Guard<T>(Func<T> operation)
    {
        lock (_gate)
        {
            try
            {
                return operation();
            }
            catch (SqliteException e)
            {
                throw StoreErrors.Translate(e, Path, Options);
            }
            // A damaged row: an unknown status, a malformed date, a text where a number belongs, a NULL in a NOT NULL column.
            catch (Exception e) when (e is InvalidDataException or FormatException or InvalidCastException or OverflowException or InvalidOperationException)
            {
                throw StoreErrors.Unreadable(Path, e); // a value SQLite returned intact but that no ViTDsl wrote
            }
        }
    }

    private void Guard(Action operation) => Guard(() => { operation(); return 0; });

    private SqliteCommand Command(string sql, SqliteTransaction? tx, params (string Name, object? Value)[] parameters)
    {
        var command = _connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = tx;
        foreach (var (name, value) in parameters) command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        return command;
    }

    private int Execute(string sql, SqliteTransaction? tx = null, params (string, object?)[] parameters)
    {
        using var command = Command(sql, tx, parameters);
        return command.ExecuteNonQuery();
    }

    private object? Scalar(string sql, SqliteTransaction? tx = null, params (string, object?)[] parameters)
    {
        using var command = Command(sql, tx, parameters);
        var value = command.ExecuteScalar();
        return value is DBNull ? null : value;
    }

    private List<T> Query<T>(string sql, Func<SqliteDataReader, T> read, params (string, object?)[] parameters)
    {
        using var command = Command(sql, null, parameters);
        using var reader = command.ExecuteReader();
        var rows = new List<T>();
        while (reader.Read()) rows.Add(read(reader));
        return rows;
    }

    private static string Now() => DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture);
}
