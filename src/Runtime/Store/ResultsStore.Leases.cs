using System.Globalization;

namespace ViTDsl.Runtime.Store;

// One runner per sweep: a lease row per sweep, taken in one write transaction so two runners cannot both win.
public sealed partial class ResultsStore
{
    /// <summary>
    /// Takes the lease of <paramref name="sweep"/> for <paramref name="self"/> (default: this process). A lease held by
    /// a runner that died (its pid is gone from this host) or that stopped renewing it for <paramref name="staleAfter"/>
    /// is taken over and returned as <paramref name="takenOver"/>.
    /// </summary>
    /// <exception cref="SweepLeaseHeldException">A live runner holds it; the message names it (pid, host, since).</exception>
    public RunnerLease AcquireLease(string sweep, TimeSpan staleAfter, out RunnerLease? takenOver, RunnerIdentity? self = null)
    {
        self ??= RunnerIdentity.Current;
        RunnerLease? previous = null;
        var lease = Guard(() =>
        {
            using var tx = _connection.BeginTransaction(); // BEGIN IMMEDIATE: the write lock first, then the look
            Execute("INSERT INTO sweeps(name, created_utc) VALUES($n, $u) ON CONFLICT(name) DO NOTHING", tx, ("$n", sweep), ("$u", Now()));
            var sweepId = (long)Scalar("SELECT id FROM sweeps WHERE name = $n", tx, ("$n", sweep))!;
            previous = ReadLease(sweep, sweepId, tx);
            var now = DateTimeOffset.UtcNow;
            if (previous is not null && now - previous.Renewed < staleAfter && previous.Holder.IsAliveSeenFrom(self))
                throw new SweepLeaseHeldException(
                    $"Sweep '{sweep}' is already being run by {previous.Holder} (since {previous.Since:yyyy-MM-dd HH:mm:ss} UTC, " +
                    $"last renewed {(now - previous.Renewed).TotalSeconds:0} s ago) on the store '{Path}'. Wait for it to finish or " +
                    $"stop it (kill {previous.Holder.Pid}); the lease of a runner that died is taken over automatically.")
                { StorePath = Path, Held = previous };
            var taken = new RunnerLease(sweep, Guid.NewGuid().ToString("N"), self, now, now);
            Execute("INSERT INTO runner_leases(sweep_id, token, holder_pid, host, process_start, since_utc, renewed_utc) " +
                    "VALUES($s, $k, $p, $h, $ps, $u, $u) ON CONFLICT(sweep_id) DO UPDATE SET token = excluded.token, " +
                    "holder_pid = excluded.holder_pid, host = excluded.host, process_start = excluded.process_start, " +
                    "since_utc = excluded.since_utc, renewed_utc = excluded.renewed_utc", tx,
                ("$s", sweepId), ("$k", taken.Token), ("$p", self.Pid), ("$h", self.Host),
                ("$ps", RunnerIdentity.Format(self.ProcessStart)), ("$u", RunnerIdentity.Format(now)));
            tx.Commit();
            return taken;
        });
        takenOver = previous;
        return lease;
    }

    /// <summary>Marks the lease as still held now; false when another runner has taken it over meanwhile.</summary>
    public bool RenewLease(RunnerLease lease) => Guard(() => Execute(
        "UPDATE runner_leases SET renewed_utc = $u WHERE token = $k", null,
        ("$u", RunnerIdentity.Format(DateTimeOffset.UtcNow)), ("$k", lease.Token)) == 1);

    /// <summary>Gives the lease up (if still held), so the next runner needs no take-over.</summary>
    public void ReleaseLease(RunnerLease lease) => Guard(() => Execute("DELETE FROM runner_leases WHERE token = $k", null, ("$k", lease.Token)));

    /// <summary>The lease of a sweep, or null when no runner holds it.</summary>
    public RunnerLease? Lease(string sweep) => Guard(() =>
    {
        var id = Scalar("SELECT id FROM sweeps WHERE name = $n", null, ("$n", sweep));
        return id is null ? null : ReadLease(sweep, (long)id, null);
    });

    private RunnerLease? ReadLease(string sweep, long sweepId, Microsoft.Data.Sqlite.SqliteTransaction? tx)
    {
        using var command = Command("SELECT token, holder_pid, host, process_start, since_utc, renewed_utc FROM runner_leases WHERE sweep_id = $s",
            tx, ("$s", sweepId));
        using var r = command.ExecuteReader();
        if (!r.Read()) return null;
        static DateTimeOffset Time(string s) => DateTimeOffset.Parse(s, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind);
        return new RunnerLease(sweep, r.GetString(0),
            new RunnerIdentity(r.GetInt32(1), r.GetString(2), r.IsDBNull(3) ? null : Time(r.GetString(3))),
            Time(r.GetString(4)), Time(r.GetString(5)));
    }
}
