using System.Diagnostics;
using ViTDsl.Runtime;
using ViTDsl.Runtime.Store;

namespace ViTDsl.TestWorker;

/// <summary>
/// The <c>bench-store</c> mode: metrics per second the store commits, per batch size and durability setting.
/// Batch 1 is a metric committed on its own; larger batches are what the runner writes when a worker reports
/// faster than one commit takes.
/// </summary>
internal static class StoreBench
{
    public static int Run(IReadOnlyDictionary<string, string> options)
    {
        var total = options.TryGetValue("metrics", out var m) ? int.Parse(m) : 20_000;
        foreach (var sync in new[] { true, false })
            foreach (var batch in new[] { 1, 10, 100, 1000 })
            {
                var path = options["store"] + $".{(sync ? "full" : "normal")}.{batch}";
                foreach (var suffix in new[] { "", "-wal", "-shm" }) File.Delete(path + suffix);
                using var store = ResultsStore.Open(path, new StoreOptions { SyncEveryCommit = sync });
                var trial = store.EnsureSweep("bench", [("t", "{}")])[0];
                var attempt = store.BeginAttempt(trial.Id);
                var count = batch == 1 ? Math.Min(total, 2_000) : total;
                var clock = Stopwatch.StartNew();
                for (var step = 0; step < count; step += batch)
                {
                    var records = Enumerable.Range(step, Math.Min(batch, count - step)).Select(s => new MetricRecord(s, "loss", 1.0 / (s + 1))).ToList();
                    store.RecordProgress(attempt, records, []);
                }
                var seconds = clock.Elapsed.TotalSeconds;
                Console.WriteLine($"synchronous={(sync ? "FULL" : "NORMAL"),-6} batch={batch,5}: {count / seconds,10:N0} metrics/s ({count} metrics, {seconds:F2} s)");
            }
        return 0;
    }
}
