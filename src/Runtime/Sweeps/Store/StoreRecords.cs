namespace ViTDsl.Runtime.Store;

/// <summary>Where a trial stands. A trial is <c>failed</c> only once it has used up its attempts.</summary>
internal enum TrialStatus { Pending, Running, Succeeded, Failed }

/// <summary>How one attempt (one worker run) of a trial ended.</summary>
internal enum AttemptOutcome
{
    /// <summary>The worker is (or was, when the runner died) running it.</summary>
    Running,
    Succeeded,
    /// <summary>The trial threw, or its worker crashed or was killed: counts against the trial's attempts.</summary>
    Failed,
    /// <summary>The runner stopped (Ctrl+C, or it was killed and found the attempt unfinished): does not count as a failure.</summary>
    Interrupted,
    /// <summary>
    /// The runner killed the worker: it ran past the trial's time limit or stopped sending heartbeats. Counts against
    /// the trial's attempts like a failure; the next attempt resumes from the last recorded checkpoint.
    /// </summary>
    TimedOut,
    /// <summary>
    /// The runner lost its lease while the attempt ran (it was suspended, or cut off from the store, for longer than the
    /// lease lasts) and another runner took the trial over: does not count as a failure.
    /// </summary>
    LostLease,
    /// <summary>
    /// The environment failed, not the trial (the disk filled up, the store became unreachable): does not count as a
    /// failure; the sweep stops and resumes the trial when run again.
    /// </summary>
    Environment,
}

/// <summary>
/// Wall time of one trial run, split into phases. Loading, training and recording are measured by the worker from the
/// phases its trial runner reports; <see cref="WallSeconds"/> runs from spawning the worker to its last message
/// (parent's clock); <see cref="StartSeconds"/> is the rest: process and runtime start-up, handshake, hand-over.
/// </summary>
internal sealed record TrialTimings(double StartSeconds, double LoadSeconds, double TrainSeconds, double RecordSeconds, double WallSeconds)
{
    public static TrialTimings Zero { get; } = new(0, 0, 0, 0, 0);
}

/// <summary>A trial of a sweep as the store holds it.</summary>
internal sealed record TrialRecord(
    long Id, string Sweep, string Name, string SpecJson, TrialStatus Status, int Attempts, int Failures,
    string? Error, TrialTimings? Timings);

/// <summary>One attempt of a trial: a worker run, with how it ended.</summary>
internal sealed record AttemptRecord(
    int Attempt, AttemptOutcome Outcome, int? WorkerPid, string? Error, TrialTimings? Timings,
    DateTimeOffset StartedUtc, DateTimeOffset? FinishedUtc);

/// <summary>A checkpoint file a trial wrote at a step, with the SHA-256 of its bytes (lower-case hex).</summary>
internal sealed record CheckpointRecord(long Step, string Path, string Sha256);

/// <summary>Where a log line came from: the trial's own log, the worker's standard error, or the runner.</summary>
internal enum LogSource { Worker, Stderr, Runner }

/// <summary>A log line of one attempt.</summary>
internal sealed record LogLine(int Attempt, LogSource Source, string Text);

/// <summary>The handle of a running attempt: what every record of that worker run is written under.</summary>
internal sealed record AttemptHandle(long TrialId, string Trial, int Attempt, ResumeState Resume)
{
    /// <summary>
    /// The lease the attempt runs under: every write of the attempt checks, in its transaction, that the lease is still
    /// held, so a runner that lost it (suspended, then resumed) cannot overwrite what the new holder records.
    /// Null: unfenced (a store used by one program, e.g. a benchmark).
    /// </summary>
    public RunnerLease? Lease { get; init; }
}

/// <summary>
/// What a trial has already recorded when an attempt starts, so the trial runner can continue instead of starting
/// over. Resume only from a checkpoint listed here: a checkpoint file on disk that is not listed may be newer than
/// the recorded metrics (the runner died between the worker writing it and the store recording it).
/// </summary>
internal sealed record ResumeState(long? LastMetricStep, IReadOnlyList<CheckpointRecord> Checkpoints)
{
    public static ResumeState Fresh { get; } = new(null, []);

    /// <summary>The recorded checkpoint with the highest step, or null.</summary>
    public CheckpointRecord? LatestCheckpoint => Checkpoints.Count == 0 ? null : Checkpoints.MaxBy(c => c.Step);
}
