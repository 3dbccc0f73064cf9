namespace ViTDsl.Runtime.Store;

// What trials report: metrics, checkpoints, logs; and the fits an analysis derives from a sweep.
internal sealed partial class ResultsStore
{
    /// <summary>
    /// Records metrics and checkpoints of an attempt in one transaction (committed on return). A (trial, name, step)
    /// metric or (trial, step) checkpoint recorded before is replaced, never duplicated: see <see cref="StoreSchema"/>.
    /// </summary>
    /// <exception cref="SweepLeaseLostException">The attempt's lease is no longer held: nothing is written.</exception>
    public void RecordProgress(AttemptHandle attempt, IReadOnlyList<MetricRecord> metrics, IReadOnlyList<CheckpointRecord> checkpoints)
    {
        if (metrics.Count == 0 && checkpoints.Count == 0) return;
        Guard(() =>
        {
            using var tx = Begin();
            Fence(attempt.Lease, tx);
            using (var insert = Command(
                "INSERT INTO metrics(trial_id, name, step, value, attempt, crc) VALUES(@t, @n, @s, @v, @a, @c) " +
                "ON CONFLICT(trial_id, name, step) DO UPDATE SET value = excluded.value, attempt = excluded.attempt, crc = excluded.crc",
                tx, ("@t", attempt.TrialId), ("@a", attempt.Attempt)))
            {
                var (name, step, value, crc) = (Add(insert, "@n", ""), Add(insert, "@s", 0L), Add(insert, "@v", 0.0), Add(insert, "@c", 0L));
                foreach (var m in metrics)
                {
                    double? stored = double.IsNaN(m.Value) ? null : m.Value; // NULL stands for NaN, in both databases
                    name.Value = m.Name;
                    step.Value = m.Step;
                    value.Value = stored is { } v ? v : DBNull.Value;
                    crc.Value = MetricChecksum.Of(attempt.TrialId, m.Name, m.Step, stored);
                    insert.ExecuteNonQuery();
                }
            }
            foreach (var c in checkpoints)
                Execute("INSERT INTO checkpoints(trial_id, step, path, sha256, attempt) VALUES(@t, @s, @p, @h, @a) " +
                        "ON CONFLICT(trial_id, step) DO UPDATE SET path = excluded.path, sha256 = excluded.sha256, attempt = excluded.attempt",
                    tx, ("@t", attempt.TrialId), ("@s", c.Step), ("@p", c.Path), ("@h", c.Sha256), ("@a", attempt.Attempt));
            tx.Commit();
        });
    }

    /// <summary>Appends log lines of an attempt (committed on return).</summary>
    /// <exception cref="SweepLeaseLostException">The attempt's lease is no longer held: nothing is written.</exception>
    public void RecordLog(AttemptHandle attempt, LogSource source, IReadOnlyList<string> lines)
    {
        if (lines.Count == 0) return;
        Guard(() =>
        {
            using var tx = Begin();
            Fence(attempt.Lease, tx);
            var utc = Now();
            foreach (var line in lines)
                Execute("INSERT INTO logs(trial_id, attempt, source, utc, text) VALUES(@t, @a, @s, @u, @x)", tx,
                    ("@t", attempt.TrialId), ("@a", attempt.Attempt), ("@s", source.ToString().ToLowerInvariant()), ("@u", utc), ("@x", line));
            tx.Commit();
        });
    }

    /// <summary>The metrics of a trial, ordered by name then step.</summary>
    /// <exception cref="StoreCorruptException">A stored metric does not match its checksum (the file was damaged).</exception>
    public IReadOnlyList<MetricRecord> Metrics(long trialId) => Guard(() => Query(
        "SELECT step, name, value, crc FROM metrics WHERE trial_id = @t ORDER BY name, step",
        r =>
        {
            var (step, name, value) = (r.GetInt64(0), r.GetString(1), r.IsDBNull(2) ? (double?)null : r.GetDouble(2));
            if (MetricChecksum.Of(trialId, name, step, value) != r.GetInt64(3))
                throw new StoreCorruptException(
                    $"The results store '{Path}' is damaged: metric '{name}' at step {step} of trial {trialId} does not match its checksum. " +
                    "Move it aside or delete it to start over (its sweeps' trials will run again), or pass another store path.")
                { StorePath = Path };
            return new MetricRecord(step, name, value ?? double.NaN);
        }, ("@t", trialId)));

    /// <summary>The recorded checkpoints of a trial, by step.</summary>
    public IReadOnlyList<CheckpointRecord> Checkpoints(long trialId) => Guard(() => QueryCheckpoints(trialId));

    private List<CheckpointRecord> QueryCheckpoints(long trialId) => Query(
        "SELECT step, path, sha256 FROM checkpoints WHERE trial_id = @t ORDER BY step",
        r => new CheckpointRecord(r.GetInt64(0), r.GetString(1), r.GetString(2)), ("@t", trialId));

    /// <summary>The log of a trial, every attempt, in the order written.</summary>
    public IReadOnlyList<LogLine> Logs(long trialId) => Guard(() => Query(
        "SELECT attempt, source, text FROM logs WHERE trial_id = @t ORDER BY id",
        r => new LogLine(Int32(r, 0), Enum.TryParse<LogSource>(r.GetString(1), ignoreCase: true, out var source) ? source
            : throw new InvalidDataException($"unknown log source '{r.GetString(1)}'"), r.GetString(2)), ("@t", trialId)));

    /// <summary>Stores (or replaces) the fit of a sweep for a target, e.g. a scaling law fitted to its error.</summary>
    public void RecordFit(string sweep, string target, string json) => Guard(() =>
    {
        var changed = Execute(
            "INSERT INTO fits(sweep_id, target, json, updated_utc) SELECT id, @t, @j, @u FROM sweeps WHERE name = @s " +
            "ON CONFLICT(sweep_id, target) DO UPDATE SET json = excluded.json, updated_utc = excluded.updated_utc",
            null, ("@s", sweep), ("@t", target), ("@j", json), ("@u", Now()));
        if (changed == 0) throw new StoreException($"The results store '{Path}' has no sweep '{sweep}' to attach a fit to. Run the sweep first.") { StorePath = Path };
    });

    /// <summary>The fits of a sweep, by target.</summary>
    public IReadOnlyDictionary<string, string> Fits(string sweep) => Guard(() => Query(
        "SELECT f.target, f.json FROM fits f JOIN sweeps s ON s.id = f.sweep_id WHERE s.name = @s ORDER BY f.target",
        r => (r.GetString(0), r.GetString(1)), ("@s", sweep)).ToDictionary(p => p.Item1, p => p.Item2));

    /// <summary>Runs the database's integrity check (SQLite's; PostgreSQL checks itself); returns "ok" or the problems found.</summary>
    public string IntegrityCheck() => Guard(() => _backend.IntegrityCheck(this));
}
