using System.Text.Json;
using ViTDsl.Runtime.Store;
using ViTDsl.Runtime.Workers;

namespace ViTDsl.TestWorker;

/// <summary>
/// The <c>run-sweep</c> mode: a runner process whose workers are this same executable. <c>--lease-stale SECONDS</c>
/// shortens the lease's stale age so a test of a suspended runner takes seconds. Exit codes: 0 done, 1 a lease
/// held or lost, 3 cancelled, 4 stopped by an environment failure.
/// </summary>
internal static class SweepMain
{
    public static async Task<int> RunAsync(IReadOnlyDictionary<string, string> options, CancellationToken cancellation)
    {
        var sweep = JsonSerializer.Deserialize<SweepDefinition>(File.ReadAllText(options["sweep"]), new JsonSerializerOptions(JsonSerializerDefaults.Web))
                    ?? throw new ArgumentException("empty sweep file");
        using var store = ResultsStore.Open(options["store"]);
        var runner = new SweepRunner(store, new SweepRunnerOptions
        {
            Worker = WorkerCommand.Dotnet(typeof(Program).Assembly.Location, "worker"),
            RunRoot = options["runs"],
            Parallelism = options.TryGetValue("parallel", out var n) ? int.Parse(n) : 1,
            LeaseStaleAfter = options.TryGetValue("lease-stale", out var stale) ? TimeSpan.FromSeconds(double.Parse(stale, System.Globalization.CultureInfo.InvariantCulture))
                : SweepRunnerOptions.DefaultLeaseStaleAfter,
        });
        var progress = new SynchronousProgress(p => { if (p.Event is not null) Console.WriteLine($"[{p.Succeeded + p.Failed}/{p.Total}] {p.Event}"); });
        SweepSummary summary;
        try
        {
            summary = await runner.RunAsync(sweep, progress, cancellation);
        }
        catch (Exception e) when (e is SweepLeaseHeldException or SweepLeaseLostException or SweepEnvironmentException) // what the CLI does too: one line, no stack trace
        {
            Console.Error.WriteLine("error: " + e.Message);
            return e is SweepEnvironmentException ? 4 : 1;
        }
        Console.WriteLine($"succeeded {summary.Succeeded}, failed {summary.Failed}, skipped {summary.Skipped}{(summary.Cancelled ? ", cancelled" : "")}");
        PrintTimings(store.Trials(sweep.Name));
        return summary.Cancelled ? 3 : 0;
    }

    // The share of each phase in the workers' wall time, over the trials that succeeded.
    private static void PrintTimings(IReadOnlyList<TrialRecord> trials)
    {
        var timed = trials.Where(t => t.Timings is not null).Select(t => t.Timings!).ToList();
        if (timed.Count == 0) return;
        var wall = timed.Sum(t => t.WallSeconds);
        Console.WriteLine($"worker wall {wall:F2} s over {timed.Count} trials: starting {timed.Sum(t => t.StartSeconds) / wall:P1}, " +
                          $"loading {timed.Sum(t => t.LoadSeconds) / wall:P1}, training {timed.Sum(t => t.TrainSeconds) / wall:P1}, " +
                          $"recording {timed.Sum(t => t.RecordSeconds) / wall:P1}");
    }

    // Progress<T> posts to the thread pool; for console lines in order, report inline.
    private sealed class SynchronousProgress(Action<SweepProgress> report) : IProgress<SweepProgress>
    {
        public void Report(SweepProgress value) => report(value);
    }
}
