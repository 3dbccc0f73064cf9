using ViTDsl.Runtime.Store;

namespace ViTDsl.Cli;

/// <summary>`vitdsl sweep NAME --status`: where a sweep stands, read from the store alone (whoever runs it, wherever).</summary>
internal static class SweepStatusView
{
    public static int Print(string storeLocation, string sweep, int maxAttempts, TextWriter output)
    {
        if (!PostgresUrl.IsUrl(storeLocation) && !File.Exists(storeLocation))
        {
            output.WriteLine($"{sweep}: not started (there is no store at {Path.GetFullPath(storeLocation)}; pass --store or --runs if it is elsewhere).");
            return ExitCodes.Success;
        }
        using var store = ResultsStore.Open(storeLocation);
        var trials = store.Trials(sweep);
        if (trials.Count == 0)
        {
            output.WriteLine($"{sweep}: not started on the store {store.Path} (run `vitdsl sweep {sweep}` to start it).");
            return ExitCodes.Success;
        }
        var leases = store.TrialLeases(sweep);
        var runner = store.Lease(sweep);
        int Count(Func<TrialRecord, bool> which) => trials.Count(which);
        var failed = Count(t => t.Status == TrialStatus.Failed && t.Failures >= maxAttempts);
        output.WriteLine($"{sweep}: {trials.Count} trials: {Count(t => t.Status == TrialStatus.Succeeded)} succeeded, {Count(t => t.Status == TrialStatus.Running)} running, " +
                         $"{trials.Count - failed - Count(t => t.Status is TrialStatus.Succeeded or TrialStatus.Running)} to run, {failed} failed; store {store.Path}" +
                         (runner is null ? "" : $"; runner {runner.Holder}"));
        var width = trials.Max(t => t.Name.Length);
        output.WriteLine($"  {"trial".PadRight(width)}  {"status",-9}  attempts  failures  {"last step",9}  running on");
        foreach (var t in trials)
        {
            var lastStep = store.Metrics(t.Id).Select(m => (long?)m.Step).Max();
            var on = t.Status == TrialStatus.Running && leases.TryGetValue(t.Name, out var lease) ? lease.Holder.ToString() : "";
            output.WriteLine($"  {t.Name.PadRight(width)}  {t.Status.ToString().ToLowerInvariant(),-9}  {t.Attempts,8}  {t.Failures,8}  {lastStep?.ToString() ?? "",9}  {on}");
        }
        return ExitCodes.Success;
    }
}
