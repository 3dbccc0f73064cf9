using System.Text.Json;
using ViTDsl.Runtime.Store;

namespace ViTDsl.Runtime.Workers;

/// <summary>
/// Runs a sweep's unfinished trials in worker processes, <see cref="SweepRunnerOptions.Parallelism"/> at a time,
/// writing everything they report to the store as it arrives. Crash-safe by construction: all state lives in the
/// store, so running the same sweep again after the runner was killed skips succeeded trials and restarts the
/// others with their recorded progress (<see cref="ResumeState"/>). A failed attempt (the trial threw, or its
/// worker crashed or was killed) is recorded with its log and retried until <see cref="SweepRunnerOptions.MaxAttempts"/>
/// failures; then the sweep goes on. A worker that runs past <see cref="SweepRunnerOptions.TrialTimeLimit"/>, stops
/// sending heartbeats or stops making training steps (<see cref="SweepRunnerOptions.HangAfter"/>) is stopped and its
/// attempt recorded as timed out (retried the same way). One runner per sweep
/// at a time: the runner holds the sweep's lease in the store while it runs (<see cref="ResultsStore.AcquireLease"/>).
/// </summary>
internal sealed partial class SweepRunner(ResultsStore store, SweepRunnerOptions options)
{
    /// <summary>The least time between two metric-only progress reports.</summary>
    public static TimeSpan ProgressInterval { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>
    /// Runs the sweep until every trial has succeeded or used up its attempts, or until cancelled. Cancelling
    /// (Ctrl+C) asks the workers to stop, kills those that do not within the grace period, and records their
    /// attempts as interrupted (not failed): the next run resumes them.
    /// </summary>
    /// <exception cref="SweepLeaseHeldException">Another live runner is running this sweep on this store.</exception>
    /// <exception cref="SweepLeaseLostException">Another runner took the sweep over while this one ran (it had stopped renewing its lease).</exception>
    public async Task<SweepSummary> RunAsync(SweepDefinition sweep, IProgress<SweepProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        if (options.Parallelism < 1) throw new ArgumentException($"Parallelism must be at least 1 (got {options.Parallelism}).", nameof(options));
        if (options.MaxAttempts < 1) throw new ArgumentException($"MaxAttempts must be at least 1 (got {options.MaxAttempts}).", nameof(options));
        var duplicate = sweep.Trials.GroupBy(t => t.Name).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null) throw new ArgumentException($"Sweep '{sweep.Name}' has two trials named '{duplicate.Key}': trial names must be unique.", nameof(sweep));

        var lease = store.AcquireLease(sweep.Name, options.LeaseStaleAfter, out var takenOver);
        try
        {
            return await RunLeasedAsync(sweep, lease, takenOver, progress, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            try { store.ReleaseLease(lease); }
            catch (StoreException) { } // the store itself failed: that error is the one to report; the lease goes stale
        }
    }

    private async Task<SweepSummary> RunLeasedAsync(SweepDefinition sweep, RunnerLease lease, RunnerLease? takenOver,
        IProgress<SweepProgress>? progress, CancellationToken cancellationToken)
    {
        store.RecoverInterrupted(sweep.Name, takenOver); // safe: the lease says no other runner is running these attempts
        var payloads = sweep.Trials.ToDictionary(t => t.Name, t => t.Payload);
        var trials = store.EnsureSweep(sweep.Name, sweep.Trials.Select(t => (t.Name, JsonSerializer.Serialize(t.Payload))));
        var runnable = trials.Where(Unfinished).ToList();
        var tracker = new ProgressTracker(sweep.Name, trials, runnable.Count, options.MaxAttempts, progress);
        if (takenOver is not null)
            tracker.Report($"took the sweep over from {takenOver.Holder} (since {takenOver.Since:yyyy-MM-dd HH:mm:ss} UTC), which is no longer running it");
        tracker.Report($"{runnable.Count} of {trials.Count} trials to run");

        using var abort = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var keeper = new LeaseKeeper(store, options.LeaseStaleAfter, () => [lease]);
        var renewing = keeper.KeepAsync(abort);
        using var slots = new SemaphoreSlim(options.Parallelism);
        var run = new RunContext(sweep.Name, tracker, keeper, abort);
        var tasks = runnable.Select(async trial =>
        {
            try { await slots.WaitAsync(abort.Token).ConfigureAwait(false); }
            catch (OperationCanceledException) { return; }
            try { await RunTrialAsync(run, trial, payloads[trial.Name], lease).ConfigureAwait(false); }
            catch { abort.Cancel(); throw; } // the store failed: stop the other workers too, then report it
            finally { slots.Release(); }
        }).ToList();
        await EndAsync(tasks, run, renewing).ConfigureAwait(false);

        var final = store.Trials(sweep.Name);
        var summary = new SweepSummary(
            final.Count(t => t.Status == TrialStatus.Succeeded),
            final.Count(t => t.Status == TrialStatus.Failed && t.Failures >= options.MaxAttempts),
            trials.Count - runnable.Count,
            cancellationToken.IsCancellationRequested && final.Any(Unfinished));
        tracker.Report(summary.Cancelled ? "cancelled" : "done");
        return summary;
    }

    // Waits for the trials, then stops the renewals. Says why the run stopped early, first of: a lost lease, the
    // store or another unexpected failure, an environment failure (no trial counted as failed for it).
    private static async Task EndAsync(List<Task> tasks, RunContext run, Task renewing)
    {
        try { await Task.WhenAll(tasks).ConfigureAwait(false); }
        catch when (tasks.Where(t => t.IsFaulted).Select(t => t.Exception!.InnerException).FirstOrDefault() is { } first)
        {
            await run.Abort.CancelAsync().ConfigureAwait(false);
            await renewing.ConfigureAwait(false);
            throw run.Leases.Lost ?? first; // a lost lease explains the rest (fenced writes, stopped workers)
        }
        await run.Abort.CancelAsync().ConfigureAwait(false); // stops the renewals
        await renewing.ConfigureAwait(false);
        if (run.Leases.Lost is { } gone) throw gone;
        if (run.EnvironmentFailure is { } environment) throw environment;
    }

    // What the trials of one run share: the sweep, the display, the leases and the switch that stops every worker.
    private sealed class RunContext(string sweep, ProgressTracker tracker, LeaseKeeper leases, CancellationTokenSource abort)
    {
        public string Sweep => sweep;
        public ProgressTracker Tracker => tracker;
        public LeaseKeeper Leases => leases;
        public CancellationTokenSource Abort => abort;
        public SweepEnvironmentException? EnvironmentFailure { get; set; }
        public IReadOnlyDictionary<string, RunnerLease> TakenOver { get; init; } = new Dictionary<string, RunnerLease>();
    }

    private bool Unfinished(TrialRecord t) => t.Status != TrialStatus.Succeeded && (t.Status != TrialStatus.Failed || t.Failures < options.MaxAttempts);

    private async Task RunTrialAsync(RunContext run, TrialRecord trial, JsonElement payload, RunnerLease lease)
    {
        var failures = trial.Failures;
        var runDirectory = Path.Combine(Path.GetFullPath(options.RunRoot), SafeName(run.Sweep), SafeName(trial.Name));
        try { Directory.CreateDirectory(runDirectory); }
        catch (IOException e) when (EnvironmentFailure.Describe(e) is { } what) { StopForEnvironment(run, trial.Name, what); return; }
        while (!run.Abort.IsCancellationRequested)
        {
            var attempt = store.BeginAttempt(trial.Id, lease);
            run.Tracker.Begin(trial.Name, attempt.Attempt);
            var spec = new TrialSpec(run.Sweep, trial.Name, payload, runDirectory, attempt.Attempt, attempt.Resume);
            var result = await RunAttemptAsync(attempt, spec, run.Tracker, run.Abort.Token).ConfigureAwait(false);
            if (result.Outcome == AttemptOutcome.Interrupted && run.Leases.Lost is { } lost)
                result = result with { Outcome = AttemptOutcome.LostLease, Error = lost.Message };
            store.CompleteAttempt(attempt, result.Outcome, result.Error, result.Timings); // fenced: throws if the lease was taken over
            var counts = result.Outcome is AttemptOutcome.Failed or AttemptOutcome.TimedOut;
            if (counts) failures++;
            run.Tracker.End(trial.Name, attempt.Attempt, result.Outcome, result.Error, finalFailure: failures >= options.MaxAttempts);
            if (result.Outcome == AttemptOutcome.Environment) StopForEnvironment(run, trial.Name, result.Error!.Split('\n')[0]);
            if (!counts || failures >= options.MaxAttempts) return;
        }
    }

    // An environment failure stops the whole sweep (every other trial would fail the same way) without counting.
    private void StopForEnvironment(RunContext run, string trial, string what)
    {
        lock (run)
            run.EnvironmentFailure ??= new SweepEnvironmentException(
                $"Sweep '{run.Sweep}' stopped: trial '{trial}' could not go on because {what}. No trial was counted as failed for it; " +
                $"once that is fixed, run the same command again: it resumes from the last recorded checkpoints (runs folder {Path.GetFullPath(options.RunRoot)}).");
        run.Abort.Cancel();
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
            // Stopping this attempt alone (it hung) or the whole sweep: the worker gets StopGrace to answer; then it is
            // killed, which ends the session too.
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var killed = false;
            await using var killer = stop.Token.Register(() => _ = Task.Delay(options.StopGrace).ContinueWith(_ => { killed = !worker.HasExited; worker.Kill(); }, TaskScheduler.Default));
            WorkerResult result;
            var watchdog = Watch(attempt, worker, stop);
            await using (watchdog)
            {
                var session = new WorkerSessionOptions { HeartbeatInterval = options.HeartbeatTimeout / 6 };
                result = await WorkerSession.RunAsync(worker.Duplex, spec, new AttemptObserver(store, attempt, tracker, watchdog), stop.Token, session)
                    .ConfigureAwait(false);
            }
            var exitCode = await worker.WaitForExitAsync(options.StopGrace).ConfigureAwait(false);
            if (result.Outcome == AttemptOutcome.Failed && result.Worker is null)
                result = result with { Error = $"{result.Error}; worker exit code {exitCode}{(exitCode > 128 ? $" (signal {exitCode - 128})" : "")}" };
            if (result.Outcome != AttemptOutcome.Succeeded && watchdog.Reason is { } expired)
                result = result with
                {
                    Outcome = AttemptOutcome.TimedOut,
                    Error = $"{expired}; {(watchdog.Hung && !killed ? "the worker stopped when asked" : "the worker was killed")}",
                };
            else if (result.Outcome == AttemptOutcome.Failed && cancellationToken.IsCancellationRequested && result.Worker is null)
                result = result with { Outcome = AttemptOutcome.Interrupted };
            if (result.Outcome != AttemptOutcome.Succeeded)
                store.RecordLog(attempt, LogSource.Runner, [$"attempt {attempt.Attempt} {result.Outcome.ToString().ToLowerInvariant()}: {result.Error}"]);
            return result;
        }
    }

    // A worker past its time limit, or silent for too long, is killed at once. One that is alive but makes no training
    // step is asked to stop (a merely slow step then still saves its checkpoint) and killed after StopGrace if it does not.
    private AttemptWatchdog Watch(AttemptHandle attempt, WorkerProcess worker, CancellationTokenSource stop) =>
        new(options.TrialTimeLimit, options.HeartbeatTimeout, options.HangAfter is { } factor ? new HangDetector(factor, options.HangMinimum) : null,
            expired: reason =>
            {
                worker.Kill(); // first: recording it may fail (a lost lease), stopping it must not
                store.RecordLog(attempt, LogSource.Runner, [$"attempt {attempt.Attempt} {reason}; killed worker {worker.Pid}"]);
            },
            hung: reason =>
            {
                stop.Cancel();
                store.RecordLog(attempt, LogSource.Runner, [$"attempt {attempt.Attempt} {reason}; stopping worker {worker.Pid} (killed if it has not stopped within {options.StopGrace.TotalSeconds:0.#} s)"]);
            });

    private static string SafeName(string name)
    {
        var invalid = Path.GetInvalidFileNameChars();
        return string.Concat(name.Select(c => invalid.Contains(c) || c == ' ' ? '_' : c));
    }

    // Records a worker's reports as they arrive (committed before the call returns) and updates the display.
    // Every message is a sign of life for the watchdog; phases and metric steps are its measure of progress.
    private sealed class AttemptObserver(ResultsStore store, AttemptHandle attempt, ProgressTracker tracker, AttemptWatchdog watchdog) : IWorkerObserver
    {
        public void Started(int workerPid)
        {
            watchdog.Alive();
            tracker.Phase(attempt.Trial, TrialPhase.Loading);
        }

        public void PhaseChanged(TrialPhase phase)
        {
            watchdog.Phase(phase);
            tracker.Phase(attempt.Trial, phase);
        }

        public void Progress(IReadOnlyList<MetricRecord> metrics, IReadOnlyList<CheckpointRecord> checkpoints)
        {
            if (metrics.Count > 0) watchdog.Reported(metrics.Max(m => m.Step));
            else watchdog.Alive();
            store.RecordProgress(attempt, metrics, checkpoints);
            tracker.Metrics(attempt.Trial, metrics);
        }

        public void Log(IReadOnlyList<string> lines)
        {
            watchdog.Alive();
            store.RecordLog(attempt, LogSource.Worker, lines);
        }

        public void Heartbeat() => watchdog.Alive();
    }
}
