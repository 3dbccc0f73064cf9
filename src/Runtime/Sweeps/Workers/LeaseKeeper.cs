using System.Diagnostics;
using ViTDsl.Runtime.Store;

namespace ViTDsl.Runtime.Workers;

/// <summary>
/// Renews a runner's leases (<see cref="ResultsStore.RenewLease"/>) four times per <see cref="SweepRunnerOptions.LeaseStaleAfter"/>
/// while it runs. A renewal the store cannot take (unreachable, locked) is retried until three quarters of the stale
/// age have passed since the last renewal; a lease another runner took over, or one that could not be renewed in
/// time, stops the runner's workers (<see cref="Lost"/>): a runner never goes on working without its lease.
/// </summary>
internal sealed class LeaseKeeper(ResultsStore store, TimeSpan staleAfter, Func<IReadOnlyList<RunnerLease>> held)
{
    /// <summary>Why the leases were lost (the runner's workers were stopped), or null while they are held.</summary>
    public SweepLeaseLostException? Lost { get; private set; }

    /// <summary>Renews until <paramref name="abort"/> is cancelled; cancels it when a lease is lost.</summary>
    public async Task KeepAsync(CancellationTokenSource abort)
    {
        var sinceRenewed = Stopwatch.StartNew();
        var retry = TimeSpan.FromTicks(Math.Clamp(staleAfter.Ticks / 20, TimeSpan.FromMilliseconds(50).Ticks, TimeSpan.FromSeconds(2).Ticks));
        var failing = false;
        while (true)
        {
            try { await Task.Delay(failing ? retry : staleAfter / 4, abort.Token).ConfigureAwait(false); }
            catch (OperationCanceledException) { return; }
            try
            {
                var taken = held().FirstOrDefault(l => !store.RenewLease(l));
                (failing, Lost) = (false, taken is null ? null : TakenOver(taken));
                if (Lost is null) { sinceRenewed.Restart(); continue; }
            }
            catch (StoreException e)
            {
                failing = true;
                if (sinceRenewed.Elapsed < staleAfter * 0.75) continue;
                Lost = new SweepLeaseLostException(
                    $"This runner could not renew its lease on the store '{store.Path}' for {sinceRenewed.Elapsed.TotalSeconds:0} s " +
                    $"({e.Message.TrimEnd('.')}); it stopped its workers before the lease went stale, so that no other runner and this one " +
                    "run the same trials. Nothing recorded is lost: run the same command again once the store is reachable.", e)
                { StorePath = store.Path };
            }
            await abort.CancelAsync().ConfigureAwait(false);
            return;
        }
    }

    private SweepLeaseLostException TakenOver(RunnerLease lease)
    {
        RunnerLease? holder = null;
        try { holder = lease.Trial is null ? store.Lease(lease.Sweep) : store.TrialLeases(lease.Sweep).GetValueOrDefault(lease.Trial); }
        catch (StoreException) { } // who holds it now is a detail of the message
        var what = lease.Trial is null ? $"sweep '{lease.Sweep}'" : $"trial '{lease.Trial}' of sweep '{lease.Sweep}'";
        return new SweepLeaseLostException(
            $"This runner lost {what} to {holder?.Holder.ToString() ?? "another runner"} after not renewing its lease for " +
            $"{staleAfter.TotalSeconds:0.#} s (was it suspended?); its workers were stopped. Nothing recorded is lost.")
        { StorePath = store.Path };
    }
}
