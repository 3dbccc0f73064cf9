using System.Data.Common;

namespace ViTDsl.Runtime.Store;

/// <summary>
/// What differs between the databases a <see cref="ResultsStore"/> can use: how to connect, how the schema version is
/// kept, how a write transaction and the lease tables are locked, and what their errors mean. Everything else (the
/// tables and every statement) is shared, so both stores behave the same.
/// </summary>
internal abstract class StoreBackend
{
    public abstract DbConnection Connection { get; }

    /// <summary>What error messages call the store: a file path or a URL without its password.</summary>
    public abstract string Location { get; }

    /// <summary>Connects and sets the session up.</summary>
    public abstract void Open(ResultsStore store);

    /// <summary>Creates the tables of a new store, or brings an older one up to <see cref="StoreSchema.Version"/>.</summary>
    public abstract void Migrate(ResultsStore store);

    /// <summary>Begins a transaction that will write.</summary>
    public abstract DbTransaction BeginWrite();

    /// <summary>
    /// Serializes lease changes: the look at the current holder and the take-over happen as one step, so two runners
    /// (on any hosts) cannot both win.
    /// </summary>
    public abstract void LockLeases(ResultsStore store, DbTransaction tx);

    /// <summary>The time now by the clock lease times are compared with: the database server's when it has one.</summary>
    public abstract DateTimeOffset ClockNow(ResultsStore store, DbTransaction? tx);

    /// <summary>What a fence's look at a lease row appends so that a take-over waits until the fenced write commits.</summary>
    public abstract string ShareLock { get; }

    /// <summary>The database's own consistency check: "ok" or the problems found.</summary>
    public abstract string IntegrityCheck(ResultsStore store);

    /// <summary>
    /// True when <paramref name="e"/> says the connection was lost or the database is momentarily unavailable (busy,
    /// restarting): the operation may be retried after reconnecting.
    /// </summary>
    public abstract bool IsTransient(DbException e);

    /// <summary>
    /// The database's error as a <see cref="StoreException"/> that names the store and the fix; <paramref name="retried"/>:
    /// how long the operation was retried before giving up, or null when the store was never connected (it is being opened).
    /// </summary>
    public abstract StoreException Translate(DbException e, TimeSpan? retried);
}
