using System.Data.Common;
using System.Globalization;

namespace ViTDsl.Runtime.Store;

// Who runs what: a lease row per sweep (a local runner runs the whole sweep) or per trial (a cluster task runs a few
// trials of it), taken in one locked transaction so two runners cannot both win. A sweep's lease and its trials'
// leases exclude each other: a local runner and cluster tasks never run the same sweep at once. Lease times are the
// database's clock (PostgreSQL's now(); an SQLite store lives on one host, whose clock it is), so the clocks of the
// cluster's nodes never enter a staleness decision. Every write of an attempt checks its lease (Fence) in the same
// transaction: a runner that lost its lease cannot overwrite what the new holder records.
internal sealed partial class ResultsStore
{
    private const string LeaseColumns = "token, holder_pid, host, process_start, since_utc, renewed_utc";

    /// <summary>
    /// Takes the lease of <paramref name="sweep"/> for <paramref name="self"/> (default: this process). A lease held by
    /// a runner that died (its pid is gone from this host) or that stopped renewing it for <paramref name="staleAfter"/>
    /// is taken over and returned as <paramref name="takenOver"/>.
    /// </summary>
    /// <exception cref="SweepLeaseHeldException">A live runner holds it, or one of its trials; the message names it (pid, host, since).</exception>
    public RunnerLease AcquireLease(string sweep, TimeSpan staleAfter, out RunnerLease? takenOver, RunnerIdentity? self = null)
    {
        self ??= RunnerIdentity.Current;
        RunnerLease? previous = null;
        var lease = ExplainingAFrozenHolder(sweep, staleAfter, () =>
        {
            using var tx = Begin();
            _backend.LockLeases(this, tx);
            var sweepId = EnsureSweepRow(sweep, tx);
            var now = _backend.ClockNow(this, tx);
            foreach (var trialLease in ReadTrialLeases(sweepId, tx))
                if (IsLive(trialLease, now, staleAfter, self)) throw Held(trialLease, now, $"Trial '{trialLease.Trial}' of sweep '{sweep}'");
            previous = ReadLease(sweep, sweepId, tx);
            if (previous is not null && IsLive(previous, now, staleAfter, self)) throw Held(previous, now, $"Sweep '{sweep}'");
            var taken = new RunnerLease(sweep, Guid.NewGuid().ToString("N"), self, now, now);
            Write("runner_leases", "sweep_id", sweepId, taken, tx);
            tx.Commit();
            return taken;
        });
        takenOver = previous;
        return lease;
    }

    // A store locked past its busy timeout while the sweep's lease has gone stale: the holder is most likely frozen inside
    // one of its writes (SIGSTOP, Ctrl+Z, a paused VM), keeping SQLite's write lock. The message says so and names it, since
    // "another connection" alone sends the user looking for a script (docs/reliability.md, Fenced leases).
    private RunnerLease ExplainingAFrozenHolder(string sweep, TimeSpan staleAfter, Func<RunnerLease> acquire)
    {
        try { return Guard(acquire); }
        catch (StoreLockedException e) when (SilentHolder(sweep, staleAfter) is var (holder, silent))
        {
            throw new StoreLockedException(
                $"{e.Message} The runner holding sweep '{sweep}' ({holder}) has not renewed its lease for {silent.TotalSeconds:0} s: " +
                $"it is probably frozen inside a write (suspended, or its machine paused), holding the store's write lock. Resume it " +
                $"(kill -CONT {holder.Pid}) or stop it (kill {holder.Pid}), then run again.", e) { StorePath = e.StorePath };
        }
    }

    // The sweep's lease holder and how long it has been silent, if longer than the stale age; reads only (the write lock
    // does not block them), and null when even that fails.
    private (RunnerIdentity Holder, TimeSpan Silent)? SilentHolder(string sweep, TimeSpan staleAfter)
    {
        try
        {
            return Lease(sweep) is { } lease && ClockNow() - lease.Renewed is var silent && silent >= staleAfter ? (lease.Holder, silent) : null;
        }
        catch (StoreException) { return null; }
    }

    /// <summary>
    /// Takes the lease of one trial (for a runner that runs only some trials of a sweep, e.g. one cluster task),
    /// on the same terms as <see cref="AcquireLease"/>: a dead or stale holder's lease is taken over.
    /// </summary>
    /// <exception cref="SweepLeaseHeldException">A live runner holds the trial, or the whole sweep.</exception>
    public RunnerLease AcquireTrialLease(TrialRecord trial, TimeSpan staleAfter, out RunnerLease? takenOver, RunnerIdentity? self = null)
    {
        self ??= RunnerIdentity.Current;
        RunnerLease? previous = null;
        var lease = Guard(() =>
        {
            using var tx = Begin();
            _backend.LockLeases(this, tx);
            var sweepId = EnsureSweepRow(trial.Sweep, tx);
            var now = _backend.ClockNow(this, tx);
            var sweepLease = ReadLease(trial.Sweep, sweepId, tx);
            if (sweepLease is not null && IsLive(sweepLease, now, staleAfter, self)) throw Held(sweepLease, now, $"Sweep '{trial.Sweep}'");
            previous = ReadTrialLeases(sweepId, tx, trial.Id).SingleOrDefault();
            if (previous is not null && IsLive(previous, now, staleAfter, self)) throw Held(previous, now, $"Trial '{trial.Name}' of sweep '{trial.Sweep}'");
            var taken = new RunnerLease(trial.Sweep, Guid.NewGuid().ToString("N"), self, now, now) { Trial = trial.Name };
            Write("trial_leases", "trial_id", trial.Id, taken, tx);
            tx.Commit();
            return taken;
        });
        takenOver = previous;
        return lease;
    }

    /// <summary>Marks the lease as still held now (the database's clock); false when another runner has taken it over meanwhile.</summary>
    public bool RenewLease(RunnerLease lease) => Guard(() =>
    {
        using var tx = Begin();
        var renewed = Execute($"UPDATE {TableOf(lease)} SET renewed_utc = @u WHERE token = @k", tx,
            ("@u", RunnerIdentity.Format(_backend.ClockNow(this, tx))), ("@k", lease.Token)) == 1;
        tx.Commit();
        return renewed;
    });

    /// <summary>The time now by the clock that lease times are written with (the database server's, for PostgreSQL).</summary>
    public DateTimeOffset ClockNow() => Guard(() => _backend.ClockNow(this, null));

    // The fence of an attempt's writes: its lease must still be held, checked in the write's own transaction (SQLite's
    // write lock; PostgreSQL's row lock keeps a take-over waiting until the write commits).
    private void Fence(RunnerLease? lease, DbTransaction tx)
    {
        if (lease is null) return;
        if (Scalar($"SELECT 1 FROM {TableOf(lease)} WHERE token = @k{_backend.ShareLock}", tx, ("@k", lease.Token)) is null)
            throw new SweepLeaseLostException(
                $"This runner no longer holds {(lease.Trial is null ? $"sweep '{lease.Sweep}'" : $"trial '{lease.Trial}' of sweep '{lease.Sweep}'")} " +
                $"on the store '{Path}': another runner took it over after this one stopped renewing its lease (was it suspended, or cut off " +
                "from the store?). Nothing was written; the other runner goes on with it.")
            { StorePath = Path };
    }

    /// <summary>Gives the lease up (if still held), so the next runner needs no take-over.</summary>
    public void ReleaseLease(RunnerLease lease) => Guard(() => Execute($"DELETE FROM {TableOf(lease)} WHERE token = @k", null, ("@k", lease.Token)));

    /// <summary>The lease of a sweep, or null when no runner holds it.</summary>
    public RunnerLease? Lease(string sweep) => Guard(() =>
    {
        var id = Scalar("SELECT id FROM sweeps WHERE name = @n", null, ("@n", sweep));
        return id is null ? null : ReadLease(sweep, Convert.ToInt64(id, CultureInfo.InvariantCulture), null);
    });

    /// <summary>The leases held on trials of a sweep (live or not), by trial name.</summary>
    public IReadOnlyDictionary<string, RunnerLease> TrialLeases(string sweep) => Guard(() =>
    {
        var id = Scalar("SELECT id FROM sweeps WHERE name = @n", null, ("@n", sweep));
        return id is null ? new Dictionary<string, RunnerLease>()
            : ReadTrialLeases(Convert.ToInt64(id, CultureInfo.InvariantCulture), null).ToDictionary(l => l.Trial!);
    });

    /// <summary>
    /// Refuses to migrate a store at <paramref name="version"/> while live runners hold leases on it: a migration
    /// rebuilds tables that they write (and an older build's runner would then find a store it refuses). Called in the
    /// migration's transaction, under its lock. Stores before version 2 have no leases to tell.
    /// </summary>
    /// <exception cref="StoreSchemaException">Names each live holder and what to do.</exception>
    internal void RefuseMigrationUnderRunners(int version, DbTransaction tx)
    {
        if (version < 2) return;
        var leases = new List<RunnerLease>();
        using (var command = Command($"SELECT {LeaseColumns}, s.name FROM runner_leases l JOIN sweeps s ON s.id = l.sweep_id ORDER BY s.id", tx))
        using (var r = command.ExecuteReader())
            while (r.Read()) leases.Add(ReadLeaseRow(r, r.GetString(6), null));
        if (version >= 3)
        {
            using var command = Command($"SELECT {LeaseColumns}, t.name, s.name FROM trial_leases l JOIN trials t ON t.id = l.trial_id " +
                                        "JOIN sweeps s ON s.id = t.sweep_id ORDER BY t.id", tx);
            using var r = command.ExecuteReader();
            while (r.Read()) leases.Add(ReadLeaseRow(r, r.GetString(7), r.GetString(6)));
        }
        var now = _backend.ClockNow(this, tx);
        var live = leases.Where(l => IsLive(l, now, Workers.SweepRunnerOptions.DefaultLeaseStaleAfter, RunnerIdentity.Current)).ToList();
        if (live.Count == 0) return;
        var holders = string.Join("; ", live.Select(l =>
            $"{(l.Trial is null ? $"sweep '{l.Sweep}'" : $"trial '{l.Trial}' of sweep '{l.Sweep}'")} by {l.Holder} (last renewed {(now - l.Renewed).TotalSeconds:0} s ago)"));
        throw new StoreSchemaException(
            $"The results store '{Path}' has schema version {version}, which this ViTDsl build would migrate to {StoreSchema.Version}, but " +
            $"{(live.Count == 1 ? "a runner is" : $"{live.Count} runners are")} writing to it now: {holders}. Migrating would change tables under them. " +
            "Let them finish (or stop them: they resume), then run this command again; until then, use the ViTDsl build they run (also for --status and report).")
        { StorePath = Path };
    }

    private static string TableOf(RunnerLease lease) => lease.Trial is null ? "runner_leases" : "trial_leases";

    private long EnsureSweepRow(string sweep, DbTransaction tx)
    {
        Execute("INSERT INTO sweeps(name, created_utc) VALUES(@n, @u) ON CONFLICT(name) DO NOTHING", tx, ("@n", sweep), ("@u", Now()));
        return Convert.ToInt64(Scalar("SELECT id FROM sweeps WHERE name = @n", tx, ("@n", sweep)), CultureInfo.InvariantCulture);
    }

    private static bool IsLive(RunnerLease lease, DateTimeOffset now, TimeSpan staleAfter, RunnerIdentity self) =>
        now - lease.Renewed < staleAfter && lease.Holder.IsAliveSeenFrom(self);

    private SweepLeaseHeldException Held(RunnerLease held, DateTimeOffset now, string what) => new(
        $"{what} is already being run by {held.Holder} (since {held.Since:yyyy-MM-dd HH:mm:ss} UTC, " +
        $"last renewed {(now - held.Renewed).TotalSeconds:0} s ago) on the store '{Path}'. Wait for it to finish or " +
        $"stop it (kill {held.Holder.Pid}); the lease of a runner that died is taken over automatically.")
    { StorePath = Path, Held = held };

    private void Write(string table, string keyColumn, long key, RunnerLease lease, DbTransaction tx) => Execute(
        $"INSERT INTO {table}({keyColumn}, {LeaseColumns}) VALUES(@s, @k, @p, @h, @ps, @u, @u) ON CONFLICT({keyColumn}) DO UPDATE SET " +
        "token = excluded.token, holder_pid = excluded.holder_pid, host = excluded.host, process_start = excluded.process_start, " +
        "since_utc = excluded.since_utc, renewed_utc = excluded.renewed_utc", tx,
        ("@s", key), ("@k", lease.Token), ("@p", lease.Holder.Pid), ("@h", lease.Holder.Host),
        ("@ps", RunnerIdentity.Format(lease.Holder.ProcessStart)), ("@u", RunnerIdentity.Format(lease.Since)));

    private RunnerLease? ReadLease(string sweep, long sweepId, DbTransaction? tx)
    {
        using var command = Command($"SELECT {LeaseColumns} FROM runner_leases WHERE sweep_id = @s", tx, ("@s", sweepId));
        using var r = command.ExecuteReader();
        return r.Read() ? ReadLeaseRow(r, sweep, null) : null;
    }

    private List<RunnerLease> ReadTrialLeases(long sweepId, DbTransaction? tx, long? trialId = null)
    {
        using var command = Command(
            $"SELECT {LeaseColumns}, t.name, s.name FROM trial_leases l JOIN trials t ON t.id = l.trial_id JOIN sweeps s ON s.id = t.sweep_id " +
            "WHERE t.sweep_id = @s AND (@t < 0 OR t.id = @t) ORDER BY t.id", tx, ("@s", sweepId), ("@t", trialId ?? -1L));
        using var r = command.ExecuteReader();
        var leases = new List<RunnerLease>();
        while (r.Read()) leases.Add(ReadLeaseRow(r, r.GetString(7), r.GetString(6)));
        return leases;
    }

    private static RunnerLease ReadLeaseRow(DbDataReader r, string sweep, string? trial)
    {
        static DateTimeOffset Time(string s) => DateTimeOffset.Parse(s, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind);
        return new RunnerLease(sweep, r.GetString(0),
            new RunnerIdentity(Int32(r, 1), r.GetString(2), r.IsDBNull(3) ? null : Time(r.GetString(3))),
            Time(r.GetString(4)), Time(r.GetString(5))) { Trial = trial };
    }
}
