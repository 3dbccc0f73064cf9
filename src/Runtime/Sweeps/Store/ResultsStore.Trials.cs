using System.Globalization;
using System.Data.Common;

namespace ViTDsl.Runtime.Store;

// Sweeps, trials and the lifecycle of attempts.
internal sealed partial class ResultsStore
{
    private const string TrialColumns = """
        t.id, s.name, t.name, t.spec_json, t.status, t.attempts, t.failures, t.error,
        t.start_seconds, t.load_seconds, t.train_seconds, t.record_seconds, t.wall_seconds
        """;

    /// <summary>
    /// Adds the sweep and its trials if missing and returns the trials in the order given. A trial already stored
    /// keeps its status and records (this is what makes re-running a sweep resume it).
    /// </summary>
    /// <exception cref="StoreException">A stored trial of the same name has a different spec.</exception>
    public IReadOnlyList<TrialRecord> EnsureSweep(string sweep, IEnumerable<(string Name, string SpecJson)> trials) => Guard(() =>
    {
        using (var tx = Begin())
        {
            Execute("INSERT INTO sweeps(name, created_utc) VALUES(@n, @u) ON CONFLICT(name) DO NOTHING", tx, ("@n", sweep), ("@u", Now()));
            var sweepId = (long)Scalar("SELECT id FROM sweeps WHERE name = @n", tx, ("@n", sweep))!;
            foreach (var (name, spec) in trials)
            {
                // Insert first, then compare: runners on several hosts may add the same sweep at once.
                Execute("INSERT INTO trials(sweep_id, name, spec_json, updated_utc) VALUES(@s, @n, @j, @u) ON CONFLICT(sweep_id, name) DO NOTHING", tx,
                    ("@s", sweepId), ("@n", name), ("@j", spec), ("@u", Now()));
                var stored = (string)Scalar("SELECT spec_json FROM trials WHERE sweep_id = @s AND name = @n", tx, ("@s", sweepId), ("@n", name))!;
                if (stored != spec)
                    throw new StoreException(
                        $"Trial '{name}' of sweep '{sweep}' is already in the results store '{Path}' with a different spec " +
                        $"(stored {stored}, now {spec}). Give the changed sweep a new name, or delete the old results.")
                    { StorePath = Path };
            }
            tx.Commit();
        }
        return QueryTrials(sweep);
    });

    /// <summary>The trials of a sweep (empty if the sweep is unknown).</summary>
    public IReadOnlyList<TrialRecord> Trials(string sweep) => Guard(() => QueryTrials(sweep));

    /// <summary>The names of the stored sweeps.</summary>
    public IReadOnlyList<string> Sweeps() => Guard(() => Query("SELECT name FROM sweeps ORDER BY id", r => r.GetString(0)));

    private List<TrialRecord> QueryTrials(string sweep) => Query(
        $"SELECT {TrialColumns} FROM trials t JOIN sweeps s ON s.id = t.sweep_id WHERE s.name = @s ORDER BY t.id",
        ReadTrial, ("@s", sweep));

    private static TrialRecord ReadTrial(DbDataReader r) => new(
        r.GetInt64(0), r.GetString(1), r.GetString(2), r.GetString(3), ParseStatus(r.GetString(4)),
        Int32(r, 5), Int32(r, 6), r.IsDBNull(7) ? null : r.GetString(7), ReadTimings(r, 8));

    private static TrialTimings? ReadTimings(DbDataReader r, int first) => r.IsDBNull(first) ? null : new(
        r.GetDouble(first), r.GetDouble(first + 1), r.GetDouble(first + 2), r.GetDouble(first + 3), r.GetDouble(first + 4));

    private static TrialStatus ParseStatus(string s) => s switch
    {
        "pending" => TrialStatus.Pending,
        "running" => TrialStatus.Running,
        "succeeded" => TrialStatus.Succeeded,
        "failed" => TrialStatus.Failed,
        _ => throw new InvalidDataException($"unknown trial status '{s}'"),
    };

    private static AttemptOutcome ParseOutcome(string s) => s switch
    {
        "running" => AttemptOutcome.Running,
        "succeeded" => AttemptOutcome.Succeeded,
        "failed" => AttemptOutcome.Failed,
        "interrupted" => AttemptOutcome.Interrupted,
        "timed_out" => AttemptOutcome.TimedOut,
        "lost_lease" => AttemptOutcome.LostLease,
        "environment" => AttemptOutcome.Environment,
        _ => throw new InvalidDataException($"unknown attempt status '{s}'"),
    };

    private static string Name(AttemptOutcome o) => o switch
    {
        AttemptOutcome.TimedOut => "timed_out",
        AttemptOutcome.LostLease => "lost_lease",
        _ => o.ToString().ToLowerInvariant(),
    };

    // How an attempt left running is recorded by the runner that takes its trial over: lost lease when its runner may
    // still be alive (it stopped renewing: suspended, or cut off from the store), interrupted when it is gone.
    private static (string Status, string Error) Orphaned(RunnerLease? takenOver) =>
        takenOver is not null && takenOver.Holder.IsAliveSeenFrom(RunnerIdentity.Current)
            ? ("lost_lease", $"its runner ({takenOver.Holder}) stopped renewing its lease and another runner took the trial over")
            : ("interrupted", "the runner stopped before this attempt finished");

    /// <summary>
    /// Marks the attempts of a sweep that were left running (the runner died) as interrupted and their trials as
    /// pending again. Returns how many trials it reset. Call before running a sweep, never while it runs.
    /// <paramref name="takenOver"/>: the lease this runner took over, if any (its attempts may be recorded as lost lease).
    /// </summary>
    public int RecoverInterrupted(string sweep, RunnerLease? takenOver = null) => Guard(() =>
    {
        using var tx = Begin();
        const string OfSweep = "trial_id IN (SELECT t.id FROM trials t JOIN sweeps s ON s.id = t.sweep_id WHERE s.name = @s)";
        var (status, error) = Orphaned(takenOver);
        Execute($"UPDATE attempts SET status = @o, finished_utc = @u, error = @e " +
                $"WHERE status = 'running' AND {OfSweep}", tx, ("@s", sweep), ("@u", Now()), ("@o", status), ("@e", error));
        var reset = Execute("UPDATE trials SET status = 'pending', updated_utc = @u WHERE status = 'running' " +
                            "AND sweep_id = (SELECT id FROM sweeps WHERE name = @s)", tx, ("@s", sweep), ("@u", Now()));
        tx.Commit();
        return reset;
    });

    /// <summary>
    /// Gives the failed trials of a sweep a new budget of attempts (<c>sweep NAME --retry-failed</c>): they are pending
    /// again with no failures counted; their attempts and records are kept. Returns how many trials it reset.
    /// </summary>
    public int RetryFailed(string sweep) => Guard(() =>
    {
        using var tx = Begin();
        var reset = Execute("UPDATE trials SET status = 'pending', failures = 0, updated_utc = @u WHERE status IN ('failed', 'pending') AND failures > 0 " +
                            "AND sweep_id = (SELECT id FROM sweeps WHERE name = @s)", tx, ("@s", sweep), ("@u", Now()));
        tx.Commit();
        return reset;
    });

    /// <summary>
    /// Marks the attempt of one trial that was left running (its runner died: a cluster task cancelled, preempted or
    /// lost with its node) as interrupted and the trial as pending again; true when there was one. Call only while
    /// holding the trial's lease (<see cref="AcquireTrialLease"/>).
    /// </summary>
    public bool RecoverInterrupted(long trialId, RunnerLease? takenOver = null) => Guard(() =>
    {
        using var tx = Begin();
        var (status, error) = Orphaned(takenOver);
        Execute("UPDATE attempts SET status = @o, finished_utc = @u, error = @e " +
                "WHERE status = 'running' AND trial_id = @t", tx, ("@t", trialId), ("@u", Now()), ("@o", status), ("@e", error));
        var reset = Execute("UPDATE trials SET status = 'pending', updated_utc = @u WHERE status = 'running' AND id = @t", tx, ("@t", trialId), ("@u", Now()));
        tx.Commit();
        return reset == 1;
    });

    /// <summary>
    /// Starts the next attempt of a trial: counts it, marks the trial running and returns what the trial has already
    /// recorded (see <see cref="ResumeState"/>). Under <paramref name="lease"/>, every write of the attempt is fenced by it.
    /// </summary>
    /// <exception cref="SweepLeaseLostException">The lease is no longer held (another runner took it over).</exception>
    public AttemptHandle BeginAttempt(long trialId, RunnerLease? lease = null) => Guard(() =>
    {
        using var tx = Begin();
        Fence(lease, tx);
        var name = (string)Scalar("SELECT name FROM trials WHERE id = @t", tx, ("@t", trialId))!;
        var attempt = Convert.ToInt32(Scalar("UPDATE trials SET attempts = attempts + 1, status = 'running', updated_utc = @u " +
                                             "WHERE id = @t RETURNING attempts", tx, ("@t", trialId), ("@u", Now())), CultureInfo.InvariantCulture);
        Execute("INSERT INTO attempts(trial_id, attempt, status, started_utc) VALUES(@t, @a, 'running', @u)", tx,
            ("@t", trialId), ("@a", attempt), ("@u", Now()));
        var lastStep = Scalar("SELECT max(step) FROM metrics WHERE trial_id = @t", tx, ("@t", trialId));
        tx.Commit();
        var resume = new ResumeState(lastStep is null ? null : Convert.ToInt64(lastStep, CultureInfo.InvariantCulture), QueryCheckpoints(trialId));
        return new AttemptHandle(trialId, name, attempt, resume) { Lease = lease };
    });

    /// <summary>Notes the process id of the worker running an attempt (to find orphans, and for the record).</summary>
    public void SetWorkerPid(AttemptHandle attempt, int pid) => Guard(() =>
    {
        using var tx = Begin();
        Fence(attempt.Lease, tx);
        Execute("UPDATE attempts SET worker_pid = @p WHERE trial_id = @t AND attempt = @a",
            tx, ("@p", pid), ("@t", attempt.TrialId), ("@a", attempt.Attempt));
        tx.Commit();
    });

    /// <summary>
    /// Ends an attempt. Succeeded: the trial succeeds with these timings. Failed or timed out: the trial is failed (the
    /// runner retries it while <see cref="TrialRecord.Failures"/> is below its limit). Interrupted, lost lease or an
    /// environment failure: the trial is pending again, its failures unchanged.
    /// </summary>
    /// <exception cref="SweepLeaseLostException">The attempt's lease is no longer held: nothing is written.</exception>
    public void CompleteAttempt(AttemptHandle attempt, AttemptOutcome outcome, string? error, TrialTimings? timings)
    {
        if (outcome == AttemptOutcome.Running) throw new ArgumentException("An attempt completes as succeeded, failed or interrupted.", nameof(outcome));
        Guard(() =>
        {
            using var tx = Begin();
            Fence(attempt.Lease, tx);
            var t = timings ?? TrialTimings.Zero;
            (string, object?)[] common =
            [
                ("@t", attempt.TrialId), ("@a", attempt.Attempt), ("@o", Name(outcome)), ("@e", error), ("@u", Now()),
                ("@s0", t.StartSeconds), ("@s1", t.LoadSeconds), ("@s2", t.TrainSeconds), ("@s3", t.RecordSeconds), ("@s4", t.WallSeconds),
            ];
            Execute("UPDATE attempts SET status = @o, error = @e, finished_utc = @u, start_seconds = @s0, load_seconds = @s1, " +
                    "train_seconds = @s2, record_seconds = @s3, wall_seconds = @s4 WHERE trial_id = @t AND attempt = @a", tx, common);
            var trialUpdate = outcome switch
            {
                AttemptOutcome.Succeeded => "status = 'succeeded', error = NULL, start_seconds = @s0, load_seconds = @s1, " +
                                            "train_seconds = @s2, record_seconds = @s3, wall_seconds = @s4",
                AttemptOutcome.Failed or AttemptOutcome.TimedOut => "status = 'failed', failures = failures + 1, error = @e",
                _ => "status = 'pending'",
            };
            Execute($"UPDATE trials SET {trialUpdate}, updated_utc = @u WHERE id = @t", tx, common);
            tx.Commit();
        });
    }

    /// <summary>The attempts of a trial, oldest first.</summary>
    public IReadOnlyList<AttemptRecord> Attempts(long trialId) => Guard(() => Query(
        "SELECT attempt, status, worker_pid, error, start_seconds, load_seconds, train_seconds, record_seconds, wall_seconds, " +
        "started_utc, finished_utc FROM attempts WHERE trial_id = @t ORDER BY attempt",
        r => new AttemptRecord(Int32(r, 0), ParseOutcome(r.GetString(1)), r.IsDBNull(2) ? null : Int32(r, 2),
            r.IsDBNull(3) ? null : r.GetString(3), ReadTimings(r, 4),
            DateTimeOffset.Parse(r.GetString(9), CultureInfo.InvariantCulture),
            r.IsDBNull(10) ? null : DateTimeOffset.Parse(r.GetString(10), CultureInfo.InvariantCulture)),
        ("@t", trialId)));
}
