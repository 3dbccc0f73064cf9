namespace ViTDsl.Runtime.Store;

/// <summary>
/// The tables of a results store, versioned by SQLite's <c>user_version</c>. Bump <see cref="Version"/> and add a
/// migration step when a table changes; a store with a higher version is refused rather than misread.
/// </summary>
/// <remarks>
/// Version 2 added <c>runner_leases</c> (one runner per sweep), the <c>timed_out</c> attempt status and the
/// metrics' checksums.
/// </remarks>
internal static class StoreSchema
{
    public const int Version = 2;

    // Metric idempotency: a metric is identified by (trial, name, step). Re-recording it (a resumed attempt
    // recomputing the steps after its checkpoint) replaces the value and notes the attempt that wrote it, so the
    // history is always that of the trajectory which produced the trial's final state, with no duplicates.
    // Checkpoints likewise by (trial, step). Logs are append-only, per attempt: every attempt's log is kept.
    public const string Create = """
        CREATE TABLE sweeps(
            id          INTEGER PRIMARY KEY,
            name        TEXT NOT NULL UNIQUE,
            created_utc TEXT NOT NULL);
        CREATE TABLE trials(
            id             INTEGER PRIMARY KEY,
            sweep_id       INTEGER NOT NULL REFERENCES sweeps(id),
            name           TEXT NOT NULL,
            spec_json      TEXT NOT NULL,
            status         TEXT NOT NULL DEFAULT 'pending' CHECK(status IN ('pending','running','succeeded','failed')),
            attempts       INTEGER NOT NULL DEFAULT 0,
            failures       INTEGER NOT NULL DEFAULT 0,
            error          TEXT,
            start_seconds  REAL, load_seconds REAL, train_seconds REAL, record_seconds REAL, wall_seconds REAL,
            updated_utc    TEXT NOT NULL,
            UNIQUE(sweep_id, name));
        CREATE TABLE attempts(
            trial_id       INTEGER NOT NULL REFERENCES trials(id),
            attempt        INTEGER NOT NULL,
            status         TEXT NOT NULL CHECK(status IN ('running','succeeded','failed','interrupted','timed_out')),
            worker_pid     INTEGER,
            error          TEXT,
            start_seconds  REAL, load_seconds REAL, train_seconds REAL, record_seconds REAL, wall_seconds REAL,
            started_utc    TEXT NOT NULL,
            finished_utc   TEXT,
            PRIMARY KEY(trial_id, attempt)) WITHOUT ROWID;
        CREATE TABLE metrics(
            trial_id INTEGER NOT NULL REFERENCES trials(id),
            name     TEXT NOT NULL,
            step     INTEGER NOT NULL,
            value    REAL,              -- NULL stands for NaN (SQLite cannot store NaN)
            attempt  INTEGER NOT NULL,
            crc      INTEGER NOT NULL,  -- MetricChecksum of (trial_id, name, step, value): a damaged value is an error, not a result
            PRIMARY KEY(trial_id, name, step)) WITHOUT ROWID;
        CREATE TABLE checkpoints(
            trial_id INTEGER NOT NULL REFERENCES trials(id),
            step     INTEGER NOT NULL,
            path     TEXT NOT NULL,
            sha256   TEXT NOT NULL,
            attempt  INTEGER NOT NULL,
            PRIMARY KEY(trial_id, step)) WITHOUT ROWID;
        CREATE TABLE logs(
            id       INTEGER PRIMARY KEY,
            trial_id INTEGER NOT NULL REFERENCES trials(id),
            attempt  INTEGER NOT NULL,
            source   TEXT NOT NULL CHECK(source IN ('worker','stderr','runner')),
            utc      TEXT NOT NULL,
            text     TEXT NOT NULL);
        CREATE INDEX logs_by_trial ON logs(trial_id, attempt, id);
        CREATE TABLE fits(
            sweep_id    INTEGER NOT NULL REFERENCES sweeps(id),
            target      TEXT NOT NULL,
            json        TEXT NOT NULL,
            updated_utc TEXT NOT NULL,
            PRIMARY KEY(sweep_id, target)) WITHOUT ROWID;
        """ + Leases;

    // The runner that holds a sweep: its process (pid, host and start time, so a reused pid is not mistaken for
    // it), when it took the lease and when it last renewed it.
    private const string Leases = """

        CREATE TABLE runner_leases(
            sweep_id      INTEGER PRIMARY KEY REFERENCES sweeps(id),
            token         TEXT NOT NULL,
            holder_pid    INTEGER NOT NULL,
            host          TEXT NOT NULL,
            process_start TEXT,
            since_utc     TEXT NOT NULL,
            renewed_utc   TEXT NOT NULL);
        """;

    /// <summary>Steps from each older version to the next, applied in one transaction.</summary>
    public static IReadOnlyDictionary<int, string> Migrations { get; } = new Dictionary<int, string>
    {
        // SQLite cannot change a CHECK constraint in place: the attempts table is rebuilt with the new status.
        [1] = """
            CREATE TABLE attempts_v2(
                trial_id       INTEGER NOT NULL REFERENCES trials(id),
                attempt        INTEGER NOT NULL,
                status         TEXT NOT NULL CHECK(status IN ('running','succeeded','failed','interrupted','timed_out')),
                worker_pid     INTEGER,
                error          TEXT,
                start_seconds  REAL, load_seconds REAL, train_seconds REAL, record_seconds REAL, wall_seconds REAL,
                started_utc    TEXT NOT NULL,
                finished_utc   TEXT,
                PRIMARY KEY(trial_id, attempt)) WITHOUT ROWID;
            INSERT INTO attempts_v2 SELECT trial_id, attempt, status, worker_pid, error, start_seconds, load_seconds,
                train_seconds, record_seconds, wall_seconds, started_utc, finished_utc FROM attempts;
            DROP TABLE attempts;
            ALTER TABLE attempts_v2 RENAME TO attempts;
            ALTER TABLE metrics ADD COLUMN crc INTEGER NOT NULL DEFAULT 0;
            UPDATE metrics SET crc = vitdsl_metric_crc(trial_id, name, step, value);
            """ + Leases,
    };
}
