using System.Data.Common;
using System.Globalization;
using Microsoft.Data.Sqlite;

namespace ViTDsl.Runtime.Store;

/// <summary>
/// The embedded store: one SQLite file in WAL mode, its schema version in <c>user_version</c>. For one machine only:
/// SQLite's locks do not work over network file systems, so a cluster uses <see cref="PostgresBackend"/>.
/// </summary>
internal sealed class SqliteBackend : StoreBackend
{
    private static readonly byte[] SqliteHeader = "SQLite format 3\0"u8.ToArray();
    private readonly SqliteConnection _connection;
    private readonly StoreOptions _options;

    private SqliteBackend(string path, StoreOptions options, SqliteConnection connection)
    {
        Location = path;
        _options = options;
        _connection = connection;
    }

    public override DbConnection Connection => _connection;
    public override string Location { get; }

    public static SqliteBackend Create(string path, StoreOptions options)
    {
        path = Path.GetFullPath(path);
        var folder = Path.GetDirectoryName(path);
        if (!string.IsNullOrEmpty(folder)) Directory.CreateDirectory(folder);
        if (!LooksLikeSqlite(path)) throw StoreErrors.NotSqlite(path);
        var connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = false, // a pooled connection would keep the file open (and locked on Windows) after Dispose
            DefaultTimeout = Math.Max(1, (int)Math.Ceiling(options.BusyTimeout.TotalSeconds)),
        }.ToString();
        return new SqliteBackend(path, options, new SqliteConnection(connectionString));
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

    public override void Open(ResultsStore store)
    {
        _connection.Open();
        _connection.CreateFunction(MetricChecksum.SqlFunction, (long t, string n, long s, double? v) => MetricChecksum.Of(t, n, s, v), isDeterministic: true);
        store.Execute($"PRAGMA busy_timeout = {(long)_options.BusyTimeout.TotalMilliseconds}");
        store.Execute("PRAGMA foreign_keys = ON");
        store.Execute("PRAGMA journal_mode = WAL");
        store.Execute($"PRAGMA synchronous = {(_options.SyncEveryCommit ? "FULL" : "NORMAL")}");
    }

    public override void Migrate(ResultsStore store)
    {
        // A current store is only read: a migration, which takes the write lock, happens only when needed.
        if (!StoreSchema.NeedsMigration(Version(store, null), Location)) return;
        using var tx = BeginWrite();
        // Read again under the write lock: another process may have created or migrated it meanwhile.
        var version = Version(store, tx);
        if (!StoreSchema.NeedsMigration(version, Location)) return;
        if (version == 0)
        {
            var foreign = store.Scalar("SELECT group_concat(name, ', ') FROM sqlite_master WHERE type = 'table'", tx) as string;
            if (!string.IsNullOrEmpty(foreign))
                throw new StoreSchemaException(
                    $"'{Location}' is an SQLite database but not a ViTDsl results store (it has tables {foreign}). " +
                    "Pass another store path, or move the file aside.")
                { StorePath = Location };
            store.Execute(StoreSchema.Create, tx);
        }
        else
        {
            store.RefuseMigrationUnderRunners(version, tx);
            for (var from = version; from < StoreSchema.Version; from++) StoreSchema.Step(store, tx, from, sql => sql);
        }
        store.Execute($"PRAGMA user_version = {StoreSchema.Version}", tx);
        tx.Commit();
    }

    private static int Version(ResultsStore store, DbTransaction? tx) =>
        Convert.ToInt32(store.Scalar("PRAGMA user_version", tx), CultureInfo.InvariantCulture);

    public override DbTransaction BeginWrite() => _connection.BeginTransaction(); // BEGIN IMMEDIATE: the write lock first

    public override void LockLeases(ResultsStore store, DbTransaction tx) { } // BEGIN IMMEDIATE already holds the one write lock

    // One host's file: this host's clock is the store's clock.
    public override DateTimeOffset ClockNow(ResultsStore store, DbTransaction? tx) => DateTimeOffset.UtcNow;

    public override string ShareLock => ""; // a write transaction already holds SQLite's one write lock

    public override string IntegrityCheck(ResultsStore store) =>
        string.Join("; ", store.Query("PRAGMA integrity_check", r => r.GetString(0)));

    // SQLite_BUSY past the busy timeout, or at once when waiting could deadlock (a reader upgrading to a writer).
    public override bool IsTransient(DbException e) => e is SqliteException { SqliteErrorCode: 5 or 6 } or SqliteException { SqliteExtendedErrorCode: 517 };

    public override StoreException Translate(DbException e, TimeSpan? retried) =>
        e is SqliteException sqlite ? StoreErrors.Translate(sqlite, Location, _options)
            : new StoreException($"The results store '{Location}' cannot be used ({e.Message.TrimEnd('.')}).", e) { StorePath = Location };
}
