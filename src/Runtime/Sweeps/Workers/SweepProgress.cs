using ViTDsl.Runtime.Store;

namespace ViTDsl.Runtime.Workers;

/// <summary>A trial a worker is running now, for a progress display.</summary>
/// <param name="LastStep">The highest step reported so far in this attempt.</param>
/// <param name="Latest">The latest value of each metric name.</param>
internal sealed record RunningTrial(string Name, int Attempt, TrialPhase Phase, long? LastStep, IReadOnlyDictionary<string, double> Latest);

/// <summary>
/// A snapshot of a sweep run, reported through <see cref="IProgress{T}"/> whenever a trial starts, changes phase,
/// reports (at most every <see cref="SweepRunner.ProgressInterval"/>) or ends. Render it however you like
/// (the CLI draws a Spectre.Console table: counts, then one row per running trial).
/// </summary>
/// <param name="Event">What just happened, in words (e.g. "b attempt 1 failed: …"), or null for a metric update.</param>
internal sealed record SweepProgress(
    string Sweep, int Total, int Succeeded, int Failed, int Pending, IReadOnlyList<RunningTrial> Running, string? Event);
