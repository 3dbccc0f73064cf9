using System.Data.Common;
using System.Globalization;

namespace ViTDsl.Runtime.Store;

/// <summary>
/// The results of sweeps: sweeps, trials (status, attempts, spec, timings), attempts, metrics, checkpoints, logs and
/// fits. Two databases hold them with the same tables and the same statements (<see cref="StoreSchema"/>): an
/// embedded SQLite file (the default, for one machine) or a PostgreSQL server (<c>postgres://…</c>, for a cluster
/// whose nodes all write to it). Every write is one committed transaction before the method returns, so a record
/// the runner has reported survives the runner being killed. Readers (a notebook, the CLI) may query while a sweep
/// writes. One instance is safe to use from several threads; several processes (on several hosts, with PostgreSQL)
/// may open the same store (SQLite writes wait up to <see cref="StoreOptions.BusyTimeout"/> for each other).
/// </summary>
internal sealed partial class ResultsStore : IDisposable
{
    private readonly StoreBackend _backend;
    private readonly DbConnection _connection;
    private readonly Lock _gate = new();
    private bool _opened;

    /// <summary>The database file, or the PostgreSQL URL without its password.</summary>
    public string Path { get; }

    /// <summary>The options it was opened with.</summary>
    public StoreOptions Options { get; }

    private ResultsStore(StoreBackend backend, StoreOptions options)
    {
        _backend = backend;
        _connection = backend.Connection;
        Path = backend.Location;
        Options = options;
    }

    /// <summary>
    /// Opens the store at <paramref name="location"/>: a PostgreSQL URL (<c>postgres://user:password@host:port/database</c>,
    /// see <see cref="PostgresUrl"/>), or else an SQLite file path, creating the file (and its folder) if needed.
    /// </summary>
    /// <exception cref="StoreCorruptException">The file is not SQLite or is malformed.</exception>
    /// <exception cref="StoreLockedException">Another connection held it locked past the busy timeout.</exception>
    /// <exception cref="StoreSchemaException">A newer ViTDsl wrote it, or it is another program's database.</exception>
    /// <exception cref="StoreException">The PostgreSQL server cannot be reached or refuses the login.</exception>
    public static ResultsStore Open(string location, StoreOptions? options = null)
    {
        options ??= new StoreOptions();
        var backend = PostgresUrl.IsUrl(location) ? (StoreBackend)PostgresBackend.Create(location, options) : SqliteBackend.Create(location, options);
        var store = new ResultsStore(backend, options);
        try
        {
            store.Guard(() =>
            {
                backend.Open(store);
                backend.Migrate(store);
                return 0;
            });
            store._opened = true;
            return store;
        }
        catch
        {
            store.Dispose();
            throw;
        }
    }

    /// <summary>Closes the database.</summary>
    public void Dispose()
    {
        lock (_gate) _connection.Dispose();
    }

    // Every public operation runs here: one at a time on the shared connection, with the database's errors turned
    // into messages that name the store and the fix. A lost connection (a PostgreSQL server restarted, a network
    // blip) or a busy SQLite file is retried with backoff for up to StoreOptions.ReconnectTimeout, reconnecting
    // first: each operation is one transaction, so one that failed mid-way left nothing behind.
    private T Guard<T>(Func<T> operation)
    {
        lock (_gate)
        {
            var retry = new Backoff(_opened ? Options.ReconnectTimeout : TimeSpan.Zero); // a store never reached fails at once
            while (true)
            {
                try
                {
                    if (_opened && _connection.State != System.Data.ConnectionState.Open) Reconnect();
                    return operation();
                }
                catch (DbException e) when (_backend.IsTransient(e) && retry.Wait()) { }
                catch (InvalidOperationException) when (_connection.State != System.Data.ConnectionState.Open && retry.Wait()) { }
                catch (DbException e)
                {
                    throw _backend.Translate(e, _opened ? retry.Elapsed : null);
                }
                catch (InvalidOperationException e) when (_connection.State != System.Data.ConnectionState.Open)
                {
                    throw new StoreException(
                        $"Lost the connection to the results store '{Path}' and could not restore it in {retry.Elapsed.TotalSeconds:0} s " +
                        $"({e.Message.TrimEnd('.')}). Check that the database server runs and is reachable, then run the same command again: " +
                        "nothing recorded is lost.", e) { StorePath = Path };
                }
                // A damaged row: an unknown status, a malformed date, a text where a number belongs, a NULL in a NOT NULL column.
                catch (Exception e) when (e is InvalidDataException or FormatException or InvalidCastException or OverflowException or InvalidOperationException)
                {
                    throw StoreErrors.Unreadable(Path, e); // a value the database returned intact but that no ViTDsl wrote
                }
            }
        }
    }

    private void Reconnect()
    {
        _connection.Close();
        _backend.Open(this);
    }

    // Waits 0.1 s, doubling up to 5 s, while the budget lasts; false once it is spent.
    private sealed class Backoff(TimeSpan budget)
    {
        private readonly System.Diagnostics.Stopwatch _clock = System.Diagnostics.Stopwatch.StartNew();
        private TimeSpan _next = TimeSpan.FromMilliseconds(100);

        public TimeSpan Elapsed => _clock.Elapsed;

        public bool Wait()
        {
            if (_clock.Elapsed + _next > budget) return false;
            Thread.Sleep(_next);
            _next = TimeSpan.FromTicks(Math.Min(_next.Ticks * 2, TimeSpan.FromSeconds(5).Ticks));
            return true;
        }
    }

    private void Guard(Action operation) => Guard(() => { operation(); return 0; });

    // A write transaction. SQLite takes its write lock at BEGIN (IMMEDIATE); PostgreSQL locks the rows it writes.
    private DbTransaction Begin() => _backend.BeginWrite();

    internal DbCommand Command(string sql, DbTransaction? tx, params (string Name, object? Value)[] parameters)
    {
        var command = _connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = tx;
        foreach (var (name, value) in parameters) Add(command, name, value);
        return command;
    }

    private static DbParameter Add(DbCommand command, string name, object? value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value ?? DBNull.Value;
        command.Parameters.Add(parameter);
        return parameter;
    }

    internal int Execute(string sql, DbTransaction? tx = null, params (string, object?)[] parameters)
    {
        using var command = Command(sql, tx, parameters);
        return command.ExecuteNonQuery();
    }

    internal object? Scalar(string sql, DbTransaction? tx = null, params (string, object?)[] parameters)
    {
        using var command = Command(sql, tx, parameters);
        var value = command.ExecuteScalar();
        return value is DBNull ? null : value;
    }

    internal List<T> Query<T>(string sql, Func<DbDataReader, T> read, params (string, object?)[] parameters)
    {
        using var command = Command(sql, null, parameters);
        using var reader = command.ExecuteReader();
        var rows = new List<T>();
        while (reader.Read()) rows.Add(read(reader));
        return rows;
    }

    // Integer columns are 64-bit in PostgreSQL (BIGINT) and of any width in SQLite: read them as 64-bit, then narrow.
    private static int Int32(DbDataReader r, int ordinal) => checked((int)r.GetInt64(ordinal));

    private static string Now() => DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture);
}
