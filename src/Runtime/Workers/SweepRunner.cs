using System.Text.Json;
using ViTDsl.Runtime.Store;

namespace ViTDsl.Runtime.Workers;

/// <summary>
/// Runs a sweep's unfinished trials in worker processes, <see cref="SweepRunnerOptions.Parallelism"/> at a time,
/// writing everything they report to the store as it arrives. Crash-safe by construction: all state lives in the
/// store, so running the same sweep again after the runner was killed skips succeeded trials and restarts the
/// others with their recorded progress (<see cref="ResumeState"/>). A failed attempt (the trial threw, or its
/// worker crashed or was killed) is recorded with its log and retried until <see cref="SweepRunnerOptions.MaxAttempts"/>
/// failures; then the sweep goes on. One runner per sweep at a time.
/// </summary>
public sealed class SweepRunner(ResultsStore store, SweepRunnerOptions options)
{
    /// <summary>The least time between two metric-only progress reports.</summary>
    public static TimeSpan ProgressInterval { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>
    /// Runs the sweep until every trial has succeeded or used up its attempts, or until cancelled. Cancelling
    /// (Ctrl+C) asks the workers to stop, kills those that do not within the grace period, and records their
    /// attempts as interrupted (not failed): the next run resumes them.
    /// </summary>
    public async Task<SweepSummary> RunAsync(SweepDefinition sweep, IProgress<SweepProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        if (options.Parallelism < 1) throw new ArgumentException($"Parallelism must be at least 1 (got {options.Parallelism}).", nameof(options));
        if (options.MaxAttempts < 1) throw new ArgumentException($"MaxAttempts must be at least 1 (got {options.MaxAttempts}).", nameof(options));
        var duplicate = sweep.Trials.GroupBy(t => t.Name).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null) throw new ArgumentException($"Sweep '{sweep.Name}' has two trials named '{duplicate.Key}': trial names must be unique.", nameof(sweep));

        store.RecoverInterrupted(sweep.Name);
        var payloads = sweep.Trials.ToDictionary(t => t.Name, t => t.Payload);
        var trials = store.EnsureSweep(sweep.Name, sweep.Trials.Select(t => (t.Name, JsonSerializer.Serialize(t.Payload))));
        var runnable = trials.Where(t => t.Status != TrialStatus.Succeeded && (t.Status != TrialStatus.Failed || t.Failures < options.MaxAttempts)).ToList();
        var tracker = new ProgressTracker(sweep.Name, trials, runnable.Count, options.MaxAttempts, progress);
        tracker.Report($"{runnable.Count} of {trials.Count} trials to run");

        using var abort = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var slots = new SemaphoreSlim(options.Parallelism);
        var tasks = runnable.Select(async trial =>
        {
            try { await slots.WaitAsync(abort.Token).ConfigureAwait(false); }
            catch (OperationCanceledException) { return; }
            try { await RunTrialAsync(sweep.Name, trial, payloads[trial.Name], tracker, abort.Token).ConfigureAwait(false); }
            catch { abort.Cancel(); throw; } // the store failed: stop the other workers too, then report it
            finally { slots.Release(); }
        }).ToList();
        try { await Task.WhenAll(tasks).ConfigureAwait(false); }
        catch when (tasks.Where(t => t.IsFaulted).Select(t => t.Exception!.InnerException).FirstOrDefault() is { } first)
        {
            throw first;
        }

        var final = store.Trials(sweep.Name);
        var summary = new SweepSummary(
            final.Count(t => t.Status == TrialStatus.Succeeded),
            final.Count(t => t.Status == TrialStatus.Failed && t.Failures >= options.MaxAttempts),
            trials.Count - runnable.Count,
            cancellationToken.IsCancellationRequested && final.Any(t => t.Status is TrialStatus.Pending or TrialStatus.Failed && t.Failures < options.MaxAttempts));
        tracker.Report(summary.Cancelled ? "cancelled" : "done");
        return summary;
    }

    private async Task RunTrialAsync(string sweep, TrialRecord trial, JsonElement payload, ProgressTracker tracker, CancellationToken cancellationToken)
    {
        var failures = trial.Failures;
        var runDirectory = Path.Combine(Path.GetFullPath(options.RunRoot), SafeName(sweep), SafeName(trial.Name));
        Directory.CreateDirectory(runDirectory);
        while (!cancellationToken.IsCancellationRequested)
        {
            var attempt = store.BeginAttempt(trial.Id);
            tracker.Begin(trial.Name, attempt.Attempt);
            var result = await RunAttemptAsync(attempt, new TrialSpec(sweep, trial.Name, payload, runDirectory, attempt.Attempt, attempt.Resume), tracker, cancellationToken).ConfigureAwait(false);
            store.CompleteAttempt(attempt, result.Outcome, result.Error, result.Timings);
            if (result.Outcome == AttemptOutcome.Failed) failures++;
            tracker.End(trial.Name, attempt.Attempt, result.Outcome, result.Error, finalFailure: failures >= options.MaxAttempts);
            if (result.Outcome != AttemptOutcome.Failed || failures >= options.MaxAttempts) return;
        }
    }

    private async Task<WorkerResult> RunAttemptAsync(AttemptHandle attempt, TrialSpec spec, ProgressTracker tracker, CancellationToken cancellationToken)
    {
        WorkerProcess worker;
        try
        {
            worker = WorkerProcess.Start(options.Worker, line => store.RecordLog(attempt, LogSource.Stderr, [line]));
        }
        catch (InvalidOperationException e)
        {
            store.RecordLog(attempt, LogSource.Runner, [e.Message]);
            return new WorkerResult(AttemptOutcome.Failed, e.Message, null, null, 0);
        }
        using (worker)
        {
            store.SetWorkerPid(attempt, worker.Pid);
            // A cancelled worker gets StopGrace to answer; then it is killed, which ends the session too.
            await using var killer = cancellationToken.Register(() => _ = Task.Delay(options.StopGrace).ContinueWith(_ => worker.Kill(), TaskScheduler.Default));
            var result = await WorkerSession.RunAsync(worker.Duplex, spec, new AttemptObserver(store, attempt, tracker), cancellationToken).ConfigureAwait(false);
            var exitCode = await worker.WaitForExitAsync(options.StopGrace).ConfigureAwait(false);
            if (result.Outcome == AttemptOutcome.Failed && result.Worker is null)
                result = result with { Error = $"{result.Error}; worker exit code {exitCode}{(exitCode > 128 ? $" (signal {exitCode - 128})" : "")}" };
            if (result.Outcome == AttemptOutcome.Failed && cancellationToken.IsCancellationRequested && result.Worker is null)
                result = result with { Outcome = AttemptOutcome.Interrupted };
            if (result.Outcome != AttemptOutcome.Succeeded)
                store.RecordLog(attempt, LogSource.Runner, [$"attempt {attempt.Attempt} {result.Outcome.ToString().ToLowerInvariant()}: {result.Error}"]);
            return result;
        }
    }

    private static string SafeName(string name)
    {
        var invalid = Path.GetInvalidFileNameChars();
        return string.Concat(name.Select(c => invalid.Contains(c) || c == ' ' ? '_' : c));
    }

    // Records a worker's reports as they arrive (committed before the call returns) and updates the display.
    private sealed class AttemptObserver(ResultsStore store, AttemptHandle attempt, ProgressTracker tracker) : IWorkerObserver
    {
        public void Started(int workerPid) => tracker.Phase(attempt.Trial, TrialPhase.Loading);

        public void PhaseChanged(TrialPhase phase) => tracker.Phase(attempt.Trial, phase);

        public void Progress(IReadOnlyList<MetricRecord> metrics, IReadOnlyList<CheckpointRecord> checkpoints)
        {
            store.RecordProgress(attempt, metrics, checkpoints);
            tracker.Metrics(attempt.Trial, metrics);
        }

        public void Log(IReadOnlyList<string> lines) => store.RecordLog(attempt, LogSource.Worker, lines);
    }
}
