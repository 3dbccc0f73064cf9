using System.Data.Common;
using System.Globalization;
using System.Net.Sockets;
using Npgsql;

namespace ViTDsl.Runtime.Store;

/// <summary>
/// The shared store: a PostgreSQL database that every node of a cluster writes to, with the same tables as the SQLite
/// store (<see cref="StoreSchema.ForPostgres"/>) and its schema version in a one-row <c>vitdsl_schema</c> table.
/// Concurrent writers need no busy waiting: PostgreSQL locks rows; leases lock their tables for the take-over.
/// </summary>
internal sealed class PostgresBackend : StoreBackend
{
    // Serializes schema creation and migration across every process that opens the store at once (any fixed key).
    private const long SchemaLockKey = 0x56695444736c; // "ViTDsl"
    private readonly NpgsqlConnection _connection;
    private readonly NpgsqlConnectionStringBuilder _settings;

    private PostgresBackend(string location, NpgsqlConnectionStringBuilder settings)
    {
        Location = location;
        _settings = settings;
        _connection = new NpgsqlConnection(settings.ConnectionString);
    }

    public override DbConnection Connection => _connection;
    public override string Location { get; }

    public static PostgresBackend Create(string url, StoreOptions options)
    {
        var location = PostgresUrl.Redact(url);
        NpgsqlConnectionStringBuilder settings;
        try { settings = PostgresUrl.Parse(url); }
        catch (ArgumentException e) { throw new StoreException(e.Message, e) { StorePath = location }; }
        settings.Timeout = Math.Max(1, (int)Math.Ceiling(Math.Min(options.BusyTimeout.TotalSeconds, 15)));
        settings.CommandTimeout = Math.Max(1, (int)Math.Ceiling(options.BusyTimeout.TotalSeconds));
        return new PostgresBackend(location, settings);
    }

    public override void Open(ResultsStore store)
    {
        try { _connection.Open(); }
        catch (ArgumentException e)
        {
            // Npgsql refuses some hosts before any socket opens (0.0.0.0, ::0); most often a password with an unescaped
            // '/', '@', '?' or '#' ended the URL's user information early and made part of it the host.
            throw new StoreException(
                $"Cannot reach the PostgreSQL server of the results store '{Location}' at {_settings.Host}:{_settings.Port} ({e.Message.TrimEnd('.')}). " +
                "Check the host and port in the URL; a password holding '/', '@', '?', '#' or '%' must be percent-encoded in it " +
                "(%2F, %40, %3F, %23, %25), or given as PGPASSWORD or in ~/.pgpass.", e) { StorePath = Location };
        }
    }

    // The schema a search_path entry names, as PostgreSQL resolves it: a quoted name as written, an unquoted one
    // folded to lower case (?search_path=Study1 is the schema study1, as in SQL).
    private static string SearchPathSchema(string entry) =>
        "\"" + (entry.StartsWith('"') ? entry.Trim('"') : entry.ToLowerInvariant()).Replace("\"", "\"\"") + "\"";

    public override void Migrate(ResultsStore store)
    {
        // A current store is only read: the lock, the schema creation and a migration happen only when needed.
        if (store.Scalar("SELECT to_regclass('vitdsl_schema') IS NOT NULL") is true
            && !StoreSchema.NeedsMigration(Convert.ToInt32(store.Scalar("SELECT version FROM vitdsl_schema"), CultureInfo.InvariantCulture), Location))
            return;
        using var tx = BeginWrite();
        store.Execute($"SELECT pg_advisory_xact_lock({SchemaLockKey})", tx);
        // A store kept in its own schema (?search_path=NAME) creates it, as an SQLite store creates its file.
        if (_settings.SearchPath?.Split(',')[0].Trim() is { Length: > 0 } schema)
            store.Execute($"CREATE SCHEMA IF NOT EXISTS {SearchPathSchema(schema)}", tx);
        var version = store.Scalar("SELECT to_regclass('vitdsl_schema') IS NOT NULL", tx) is true
            ? Convert.ToInt32(store.Scalar("SELECT version FROM vitdsl_schema", tx), CultureInfo.InvariantCulture)
            : 0;
        if (!StoreSchema.NeedsMigration(version, Location)) return;
        if (version == 0)
        {
            var foreign = store.Scalar("SELECT string_agg(table_name, ', ') FROM information_schema.tables WHERE table_schema = current_schema()", tx) as string;
            if (!string.IsNullOrEmpty(foreign))
                throw new StoreSchemaException(
                    $"The PostgreSQL database '{Location}' is not a ViTDsl results store (its schema has tables {foreign}). " +
                    "Pass another database, or keep the store in its own schema with ?search_path=NAME in the URL.")
                { StorePath = Location };
            store.Execute(StoreSchema.ForPostgres(StoreSchema.Create), tx);
            store.Execute("CREATE TABLE vitdsl_schema(version INTEGER NOT NULL); INSERT INTO vitdsl_schema VALUES(0)", tx);
        }
        else
        {
            store.RefuseMigrationUnderRunners(version, tx);
            for (var from = version; from < StoreSchema.Version; from++) StoreSchema.Step(store, tx, from, StoreSchema.ForPostgres);
        }
        store.Execute($"UPDATE vitdsl_schema SET version = {StoreSchema.Version}", tx);
        tx.Commit();
    }

    public override DbTransaction BeginWrite() => _connection.BeginTransaction();

    public override void LockLeases(ResultsStore store, DbTransaction tx) =>
        store.Execute("LOCK TABLE runner_leases, trial_leases IN SHARE ROW EXCLUSIVE MODE", tx);

    // The server's clock, the one every node of the cluster shares (now() is the transaction's start).
    public override DateTimeOffset ClockNow(ResultsStore store, DbTransaction? tx) =>
        new(DateTime.SpecifyKind((DateTime)store.Scalar("SELECT now()", tx)!, DateTimeKind.Utc), TimeSpan.Zero);

    public override string ShareLock => " FOR SHARE";

    // PostgreSQL checks its pages itself (and its values by their types); the metrics' checksums are checked on read.
    public override string IntegrityCheck(ResultsStore store) => "ok";

    // The connection broke (an I/O error, the server shut down or restarted) or the server is momentarily unavailable.
    public override bool IsTransient(DbException e) => e is NpgsqlException { IsTransient: true } && e is not PostgresException
        { SqlState: PostgresErrorCodes.LockNotAvailable or PostgresErrorCodes.QueryCanceled or PostgresErrorCodes.DeadlockDetected };

    public override StoreException Translate(DbException e, TimeSpan? retried)
    {
        var server = $"{_settings.Host}:{_settings.Port}";
        return e switch
        {
            _ when retried is not null && IsTransient(e) => new StoreException(
                $"Lost the connection to the PostgreSQL server of the results store '{Location}' at {server} and could not reconnect in " +
                $"{retried.Value.TotalSeconds:0} s ({(e.InnerException ?? e).Message.TrimEnd('.')}). The store is not damaged: check that the server " +
                "runs and is reachable from this host, then run the same command again (nothing recorded is lost).", e) { StorePath = Location },
            PostgresException { SqlState: PostgresErrorCodes.InvalidPassword or PostgresErrorCodes.InvalidAuthorizationSpecification } => new StoreException(
                $"The PostgreSQL server at {server} refused the login of '{_settings.Username}' to the results store '{Location}' ({e.Message.TrimEnd('.')}). " +
                "Check the user and password in the URL (or PGPASSWORD / ~/.pgpass).", e) { StorePath = Location },
            PostgresException { SqlState: PostgresErrorCodes.InvalidCatalogName } => new StoreException(
                $"The PostgreSQL server at {server} has no database '{_settings.Database}' for the results store '{Location}'. " +
                $"Create it (createdb {_settings.Database}) or fix the URL.", e) { StorePath = Location },
            PostgresException { SqlState: PostgresErrorCodes.LockNotAvailable or PostgresErrorCodes.QueryCanceled or PostgresErrorCodes.DeadlockDetected } => new StoreLockedException(
                $"The results store '{Location}' stayed locked by another connection ({e.Message.TrimEnd('.')}). " +
                "Another sweep or script is writing to it: wait for it to finish or stop it, or raise the busy timeout.", e) { StorePath = Location },
            PostgresException p => new StoreException(
                $"The results store '{Location}' cannot be used ({p.SqlState}: {p.MessageText.TrimEnd('.')}). " +
                "If no other program changed its tables, report this; otherwise pass another database.", e) { StorePath = Location },
            _ when e.InnerException is SocketException or TimeoutException || e.InnerException?.InnerException is SocketException => new StoreException(
                $"Cannot reach the PostgreSQL server of the results store '{Location}' at {server} ({(e.InnerException ?? e).Message.TrimEnd('.')}). " +
                "Check that the server runs and accepts connections from this host (listen_addresses, pg_hba.conf), and the host and port in the URL.", e)
            { StorePath = Location },
            _ => new StoreException(
                $"The results store '{Location}' at {server} cannot be used ({e.Message.TrimEnd('.')}). Check the server and the URL.", e) { StorePath = Location },
        };
    }
}
