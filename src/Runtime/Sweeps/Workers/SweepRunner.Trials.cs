using System.Text.Json;
using ViTDsl.Runtime.Store;

namespace ViTDsl.Runtime.Workers;

// A cluster task's share of a sweep: a few of its trials, one after another, each under its own lease.
public sealed partial class SweepRunner
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
        var leases = new Dictionary<string, RunnerLease>();
        foreach (var name in trialNames)
            if (await TakeTrialAsync(stored[name], tracker, cancellationToken).ConfigureAwait(false) is { } lease) leases[name] = lease;
        using var abort = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var renewing = RenewAllAsync(leases, abort);
        var skipped = trialNames.Count - leases.Count;
        try
        {
            foreach (var name in trialNames.Where(leases.ContainsKey).ToList())
            {
                if (abort.IsCancellationRequested) break;
                if (store.RecoverInterrupted(stored[name].Id))
                    tracker.Report($"{name}: its last attempt's runner stopped before it finished; resuming from its last recorded checkpoint");
                var trial = store.Trials(sweep).Single(t => t.Name == name);
                if (!Unfinished(trial)) { skipped++; }
                else
                {
                    using var payload = JsonDocument.Parse(trial.SpecJson);
                    await RunTrialAsync(sweep, trial, payload.RootElement.Clone(), tracker, abort.Token).ConfigureAwait(false);
                }
                Release(leases, name);
            }
        }
        finally
        {
            await abort.CancelAsync().ConfigureAwait(false); // stops the renewals
            List<string> left;
            lock (leases) left = [.. leases.Keys];
            foreach (var name in left) Release(leases, name);
        }
        if (await renewing.ConfigureAwait(false) is { } lost) throw lost;
        var final = store.Trials(sweep).Where(t => trialNames.Contains(t.Name)).ToList();
        var summary = new SweepSummary(
            final.Count(t => t.Status == TrialStatus.Succeeded),
            final.Count(t => t.Status == TrialStatus.Failed && t.Failures >= options.MaxAttempts),
            skipped,
            cancellationToken.IsCancellationRequested && final.Any(Unfinished));
        tracker.Report(summary.Cancelled ? "cancelled" : "done");
        return summary;
    }

    private void Release(Dictionary<string, RunnerLease> leases, string trial)
    {
        RunnerLease? lease;
        lock (leases) { if (!leases.Remove(trial, out lease)) return; }
        try { store.ReleaseLease(lease); }
        catch (StoreException) { } // the store itself failed: that error is the one to report; the lease goes stale
    }

    // Renews the leases still held until the task ends; a lease another runner took over stops this task's work.
    private async Task<SweepLeaseLostException?> RenewAllAsync(Dictionary<string, RunnerLease> leases, CancellationTokenSource abort)
    {
        using var timer = new PeriodicTimer(options.LeaseStaleAfter / 4);
        try
        {
            while (await timer.WaitForNextTickAsync(abort.Token).ConfigureAwait(false))
            {
                List<RunnerLease> held;
                lock (leases) held = [.. leases.Values];
                var lost = held.FirstOrDefault(l => !store.RenewLease(l));
                if (lost is null) continue;
                await abort.CancelAsync().ConfigureAwait(false);
                return new SweepLeaseLostException(
                    $"This runner lost trial '{lost.Trial}' of sweep '{lost.Sweep}' to another runner after not renewing its lease for " +
                    $"{options.LeaseStaleAfter.TotalSeconds:0} s (was it suspended?); its workers were stopped. Nothing recorded is lost.")
                { StorePath = store.Path };
            }
        }
        catch (OperationCanceledException) { }
        return null;
    }

    private bool Unfinished(TrialRecord t) => t.Status != TrialStatus.Succeeded && (t.Status != TrialStatus.Failed || t.Failures < options.MaxAttempts);

    // The trial's lease, or null when another live runner has it (this host) or keeps renewing it (another host).
    private async Task<RunnerLease?> TakeTrialAsync(TrialRecord trial, ProgressTracker tracker, CancellationToken cancellationToken)
    {
        var deadline = DateTimeOffset.UtcNow + options.LeaseStaleAfter + LeasePollInterval;
        while (true)
        {
            try
            {
                var lease = store.AcquireTrialLease(trial, options.LeaseStaleAfter, out var takenOver);
                if (takenOver is not null) tracker.Report($"{trial.Name}: took it over from {takenOver.Holder}, which is no longer running it");
                return lease;
            }
            catch (SweepLeaseHeldException held)
            {
                var elsewhere = held.Held.Holder.Host != RunnerIdentity.Current.Host;
                if (!elsewhere || DateTimeOffset.UtcNow > deadline || cancellationToken.IsCancellationRequested)
                {
                    tracker.Report($"{trial.Name}: skipped, {held.Held.Holder} is running it");
                    return null;
                }
            }
            try { await Task.Delay(LeasePollInterval, cancellationToken).ConfigureAwait(false); }
            catch (OperationCanceledException) { return null; }
        }
    }
}
