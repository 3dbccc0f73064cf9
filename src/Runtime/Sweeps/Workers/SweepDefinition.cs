using System.Text.Json;

namespace ViTDsl.Runtime.Workers;

/// <summary>One point of a sweep: a unique name and the payload its trial runner receives (see <see cref="TrialSpec"/>).</summary>
internal sealed record SweepTrial(string Name, JsonElement Payload);

/// <summary>A sweep as the runner sees it: a name (the key in the store) and its trials.</summary>
internal sealed record SweepDefinition(string Name, IReadOnlyList<SweepTrial> Trials);

/// <summary>How a <see cref="SweepRunner"/> runs trials.</summary>
internal sealed record SweepRunnerOptions
{
    /// <summary>The command that starts a worker (one per attempt).</summary>
    public required WorkerCommand Worker { get; init; }

    /// <summary>The folder under which each trial gets its run directory: <c>RunRoot/sweep/trial</c>.</summary>
    public required string RunRoot { get; init; }

    /// <summary>How many workers run at once.</summary>
    public int Parallelism { get; init; } = 1;

    /// <summary>The default of <see cref="MaxAttempts"/>: one retry.</summary>
    public const int DefaultMaxAttempts = 2;

    /// <summary>The default of <see cref="LeaseStaleAfter"/>.</summary>
    public static readonly TimeSpan DefaultLeaseStaleAfter = TimeSpan.FromSeconds(60);

    /// <summary>How many failed attempts a trial gets before it stays failed (2: one retry).</summary>
    public int MaxAttempts { get; init; } = DefaultMaxAttempts;

    /// <summary>How long a cancelled worker (or one that hung up) may take to exit before it is killed.</summary>
    public TimeSpan StopGrace { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// The most wall time one attempt may take, from starting its worker; a worker still running then is killed and
    /// the attempt recorded as timed out (retried like a failure). Null: no limit. The CLI sets the sweep's declared
    /// limit (<c>TrialTimeLimitSeconds</c>, by default derived from its build-time estimate).
    /// </summary>
    public TimeSpan? TrialTimeLimit { get; init; }

    /// <summary>
    /// How long a started worker may stay silent (no heartbeat, no report) before it is killed as hung and the
    /// attempt recorded as timed out. Workers beat six times per timeout.
    /// </summary>
    public TimeSpan HeartbeatTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>The default of <see cref="HangAfter"/>.</summary>
    public const double DefaultHangAfter = 10;

    /// <summary>
    /// A training attempt that reports no new step for this many times the longest of its last 8 intervals between
    /// reported steps (and for at least <see cref="HangMinimum"/>) is stopped as hung: asked to stop, killed after
    /// <see cref="StopGrace"/> if it does not (a worker stuck in native code cannot stop itself), and recorded as timed
    /// out, which counts against the trial's attempts. Null: never. Loading and recording are bounded by the time limit.
    /// </summary>
    public double? HangAfter { get; init; } = DefaultHangAfter;

    /// <summary>The least time without a training step that <see cref="HangAfter"/> calls a hang (2 minutes).</summary>
    public TimeSpan HangMinimum { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// How long a runner's lease on a sweep lasts without renewal (it renews four times as often): a runner on
    /// another host that stopped renewing for this long is presumed dead and its sweep taken over.
    /// </summary>
    public TimeSpan LeaseStaleAfter { get; init; } = DefaultLeaseStaleAfter;
}

/// <summary>What a sweep run did.</summary>
/// <param name="Succeeded">Trials that succeeded (in this run or before).</param>
/// <param name="Failed">Trials that used up their attempts.</param>
/// <param name="Skipped">Trials already finished before this run started.</param>
/// <param name="Cancelled">True when the run was cancelled before every trial finished.</param>
internal sealed record SweepSummary(int Succeeded, int Failed, int Skipped, bool Cancelled);
