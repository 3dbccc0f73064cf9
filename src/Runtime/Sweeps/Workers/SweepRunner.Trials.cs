using System.Text.Json;
using ViTDsl.Runtime.Store;

namespace ViTDsl.Runtime.Workers;

// A cluster task's share of a sweep: a few of its trials, one after another, each under its own lease.
internal sealed partial class SweepRunner
{
    /// <summary>How often a runner looks again at a trial whose lease another host holds, until that lease goes stale.</summary>
    public static TimeSpan LeasePollInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Runs the named trials of a sweep that is already in the store, in the order given (a lineage's longest run
    /// first, so its shorter branches find the shared prefix), with the payloads recorded there, as
    /// <see cref="RunAsync"/> runs each trial: failed attempts retried up to <see cref="SweepRunnerOptions.MaxAttempts"/>,
    /// a resumed attempt continuing from its last recorded checkpoint. Each trial is run under its own lease
    /// (<see cref="ResultsStore.AcquireTrialLease"/>), so tasks of two submissions never run a trial twice: a trial
    /// that a live runner on this host holds is skipped; one held from another host is waited for until its lease goes
    /// stale (its task was cancelled or its node lost), then taken over, its orphaned attempt recorded as interrupted.
    /// </summary>
    /// <exception cref="ArgumentException">A named trial is not in the store (submit the sweep first).</exception>
    public async Task<SweepSummary> RunTrialsAsync(string sweep, IReadOnlyList<string> trialNames, IProgress<SweepProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        var stored = store.Trials(sweep).ToDictionary(t => t.Name);
        var missing = trialNames.FirstOrDefault(n => !stored.ContainsKey(n));
        if (missing is not null)
            throw new ArgumentException($"Sweep '{sweep}' has no trial '{missing}' in the store '{store.Path}': the task list and the store disagree; submit the sweep again.");
        var mine = trialNames.Select(n => stored[n]).ToList();
        var tracker = new ProgressTracker(sweep, mine, mine.Count(Unfinished), options.MaxAttempts, progress);
        // The task holds its whole share (a lineage) from the start, so another submission's task cannot start a
        // shorter branch before this one has written the shared prefix.
        var (leases, takenOver) = (new Dictionary<string, RunnerLease>(), new Dictionary<string, RunnerLease>());
        foreach (var name in trialNames)
            if (await TakeTrialAsync(stored[name], tracker, cancellationToken).ConfigureAwait(false) is ({ } lease, var previous))
            {
                leases[name] = lease;
                if (previous is not null) takenOver[name] = previous;
            }
        using var abort = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var keeper = new LeaseKeeper(store, options.LeaseStaleAfter, () => { lock (leases) return [.. leases.Values]; });
        var renewing = keeper.KeepAsync(abort);
        var run = new RunContext(sweep, tracker, keeper, abort) { TakenOver = takenOver };
        var skipped = trialNames.Count - leases.Count;
        var work = RunLeasedTrialsAsync(run, trialNames.Where(leases.ContainsKey).ToList(), leases, () => skipped++);
        try { await EndAsync([work], run, renewing).ConfigureAwait(false); }
        finally
        {
            List<string> left;
            lock (leases) left = [.. leases.Keys];
            foreach (var name in left) Release(leases, name);
        }
        var final = store.Trials(sweep).Where(t => trialNames.Contains(t.Name)).ToList();
        var summary = new SweepSummary(
            final.Count(t => t.Status == TrialStatus.Succeeded),
            final.Count(t => t.Status == TrialStatus.Failed && t.Failures >= options.MaxAttempts),
            skipped,
            cancellationToken.IsCancellationRequested && final.Any(Unfinished));
        tracker.Report(summary.Cancelled ? "cancelled" : "done");
        return summary;
    }

    private async Task RunLeasedTrialsAsync(RunContext run, List<string> names, Dictionary<string, RunnerLease> leases, Action skip)
    {
        foreach (var name in names)
        {
            if (run.Abort.IsCancellationRequested) break;
            var trial = store.Trials(run.Sweep).Single(t => t.Name == name);
            if (store.RecoverInterrupted(trial.Id, run.TakenOver.GetValueOrDefault(name)))
                run.Tracker.Report($"{name}: its last attempt's runner stopped before it finished; resuming from its last recorded checkpoint");
            trial = store.Trials(run.Sweep).Single(t => t.Name == name);
            if (!Unfinished(trial)) skip();
            else
            {
                using var payload = JsonDocument.Parse(trial.SpecJson);
                RunnerLease lease;
                lock (leases) lease = leases[name];
                await RunTrialAsync(run, trial, payload.RootElement.Clone(), lease).ConfigureAwait(false);
            }
            Release(leases, name);
        }
    }

    private void Release(Dictionary<string, RunnerLease> leases, string trial)
    {
        RunnerLease? lease;
        lock (leases) { if (!leases.Remove(trial, out lease)) return; }
        try { store.ReleaseLease(lease); }
        catch (StoreException) { } // the store itself failed: that error is the one to report; the lease goes stale
    }

    // The trial's lease, or null when another live runner has it (this host) or keeps renewing it (another host).
    private async Task<(RunnerLease? Lease, RunnerLease? TakenOver)> TakeTrialAsync(TrialRecord trial, ProgressTracker tracker, CancellationToken cancellationToken)
    {
        var deadline = DateTimeOffset.UtcNow + options.LeaseStaleAfter + LeasePollInterval;
        while (true)
        {
            try
            {
                var lease = store.AcquireTrialLease(trial, options.LeaseStaleAfter, out var takenOver);
                if (takenOver is not null) tracker.Report($"{trial.Name}: took it over from {takenOver.Holder}, which is no longer running it");
                return (lease, takenOver);
            }
            catch (SweepLeaseHeldException held)
            {
                var elsewhere = held.Held.Holder.Host != RunnerIdentity.Current.Host;
                if (!elsewhere || DateTimeOffset.UtcNow > deadline || cancellationToken.IsCancellationRequested)
                {
                    tracker.Report($"{trial.Name}: skipped, {held.Held.Holder} is running it");
                    return (null, null);
                }
            }
            try { await Task.Delay(LeasePollInterval, cancellationToken).ConfigureAwait(false); }
            catch (OperationCanceledException) { return (null, null); }
        }
    }
}
