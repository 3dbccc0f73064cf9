using System.Diagnostics;
using ViTDsl.Runtime.Store;

namespace ViTDsl.Runtime.Workers;

/// <summary>The runner's live view of a sweep, turned into <see cref="SweepProgress"/> snapshots.</summary>
internal sealed class ProgressTracker
{
    private sealed class Live(int attempt)
    {
        public int Attempt = attempt;
        public TrialPhase Phase = TrialPhase.Starting;
        public long? LastStep;
        public readonly Dictionary<string, double> Latest = [];
    }

    private readonly Lock _gate = new();
    private readonly string _sweep;
    private readonly int _total;
    private readonly IProgress<SweepProgress>? _progress;
    private readonly Dictionary<string, Live> _running = [];
    private readonly Stopwatch _sinceReport = Stopwatch.StartNew();
    private int _succeeded, _failed, _pending;

    public ProgressTracker(string sweep, IReadOnlyList<TrialRecord> trials, int runnable, int maxAttempts, IProgress<SweepProgress>? progress)
    {
        (_sweep, _total, _progress, _pending) = (sweep, trials.Count, progress, runnable);
        _succeeded = trials.Count(t => t.Status == TrialStatus.Succeeded);
        _failed = trials.Count(t => t.Status == TrialStatus.Failed && t.Failures >= maxAttempts);
    }

    public void Begin(string trial, int attempt)
    {
        lock (_gate)
        {
            if (!_running.ContainsKey(trial)) _pending--;
            _running[trial] = new Live(attempt);
        }
        Report($"{trial} attempt {attempt} starting");
    }

    public void Phase(string trial, TrialPhase phase)
    {
        lock (_gate) if (_running.TryGetValue(trial, out var live)) live.Phase = phase;
        Report(null);
    }

    public void Metrics(string trial, IReadOnlyList<MetricRecord> metrics)
    {
        lock (_gate)
        {
            if (!_running.TryGetValue(trial, out var live)) return;
            foreach (var m in metrics)
            {
                live.Latest[m.Name] = m.Value;
                live.LastStep = Math.Max(live.LastStep ?? m.Step, m.Step);
            }
            if (_sinceReport.Elapsed < SweepRunner.ProgressInterval) return;
        }
        Report(null);
    }

    public void End(string trial, int attempt, AttemptOutcome outcome, string? error, bool finalFailure)
    {
        var counts = outcome is AttemptOutcome.Failed or AttemptOutcome.TimedOut; // against the trial's attempts
        var retrying = counts && !finalFailure;
        lock (_gate)
        {
            if (!retrying) _running.Remove(trial);
            if (outcome == AttemptOutcome.Succeeded) _succeeded++;
            else if (counts && finalFailure) _failed++;
            else if (outcome is AttemptOutcome.Interrupted or AttemptOutcome.LostLease or AttemptOutcome.Environment) _pending++;
        }
        var firstLine = error?.Split('\n')[0];
        Report(outcome switch
        {
            AttemptOutcome.Succeeded => $"{trial} succeeded",
            AttemptOutcome.Failed => $"{trial} attempt {attempt} failed{(retrying ? ", retrying" : "")}: {firstLine}",
            AttemptOutcome.TimedOut => $"{trial} attempt {attempt} timed out{(retrying ? ", retrying" : "")}: {firstLine}",
            AttemptOutcome.Environment => $"{trial} attempt {attempt} stopped, not counted as a failure: {firstLine}",
            AttemptOutcome.LostLease => $"{trial} attempt {attempt} stopped: this runner lost its lease",
            _ => $"{trial} attempt {attempt} interrupted",
        });
    }

    public void Report(string? message)
    {
        if (_progress is null) return;
        SweepProgress snapshot;
        lock (_gate)
        {
            _sinceReport.Restart();
            snapshot = new SweepProgress(_sweep, _total, _succeeded, _failed, _pending,
                _running.Select(p => new RunningTrial(p.Key, p.Value.Attempt, p.Value.Phase, p.Value.LastStep,
                    new Dictionary<string, double>(p.Value.Latest))).ToList(), message);
        }
        _progress.Report(snapshot);
    }
}
