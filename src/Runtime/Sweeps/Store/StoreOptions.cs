namespace ViTDsl.Runtime.Store;

/// <summary>How a <see cref="ResultsStore"/> opens its database.</summary>
internal sealed record StoreOptions
{
    /// <summary>
    /// How long a write waits for another connection's write lock before failing with
    /// <see cref="StoreLockedException"/>. Several runners (or a runner and an analysis script) may share a store.
    /// </summary>
    public TimeSpan BusyTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// True (default): every commit is fsync'ed (SQLite <c>synchronous=FULL</c>), so a recorded metric survives a
    /// power cut. False: <c>synchronous=NORMAL</c>, which in WAL mode still survives any process crash (SIGKILL)
    /// but may lose the last commits on power loss; several times faster on slow disks.
    /// </summary>
    public bool SyncEveryCommit { get; init; } = true;

    /// <summary>
    /// How long an operation retries, reconnecting with backoff, when the connection was lost (a PostgreSQL server
    /// restarted, the network dropped) or SQLite reported the file busy, before it fails with a message that says so.
    /// Shorter than a lease's stale age (60 s), so a runner cut off from its store stops before its lease is taken over.
    /// </summary>
    public TimeSpan ReconnectTimeout { get; init; } = TimeSpan.FromSeconds(30);
}
