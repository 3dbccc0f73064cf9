using Microsoft.Data.Sqlite;
using ViTDsl.Runtime.Store;
using ViTDsl.Tests.Store;
using Xunit.Abstractions;

namespace ViTDsl.Tests.Fuzz;

/// <summary>Random truncations and byte flips of a results store's SQLite file (FsCheck).</summary>
public sealed class StoreFuzzTests(ITestOutputHelper output) : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    // Everything a reader of the store sees, as plain values.
    private sealed record Contents(List<string> Sweeps, List<string> Trials, List<string> Attempts, List<MetricRecord> Metrics,
        List<CheckpointRecord> Checkpoints, List<LogLine> Logs, List<string> Fits)
    {
        public bool SameAs(Contents o) => Sweeps.SequenceEqual(o.Sweeps) && Trials.SequenceEqual(o.Trials) && Attempts.SequenceEqual(o.Attempts)
            && Metrics.SequenceEqual(o.Metrics) && Checkpoints.SequenceEqual(o.Checkpoints) && Logs.SequenceEqual(o.Logs) && Fits.SequenceEqual(o.Fits);
    }

    private static Contents Read(string path)
    {
        using var store = ResultsStore.Open(path, new StoreOptions { BusyTimeout = TimeSpan.FromSeconds(1) });
        var sweeps = store.Sweeps().ToList();
        var trials = sweeps.SelectMany(store.Trials).ToList();
        return new Contents(sweeps, trials.Select(t => t.ToString()).ToList(),
            trials.SelectMany(t => store.Attempts(t.Id)).Select(a => a.ToString()).ToList(),
            trials.SelectMany(t => store.Metrics(t.Id)).ToList(),
            trials.SelectMany(t => store.Checkpoints(t.Id)).ToList(),
            trials.SelectMany(t => store.Logs(t.Id)).ToList(),
            sweeps.SelectMany(s => store.Fits(s)).Select(f => $"{f.Key}={f.Value}").ToList());
    }

    private string Original()
    {
        var path = _folder.File("original.db");
        using (var store = ResultsStore.Open(path))
        {
            var trials = store.EnsureSweep("fuzz", [("a", """{"lr":0.1}"""), ("b", """{"lr":0.2}""")]);
            foreach (var trial in trials)
            {
                var failed = store.BeginAttempt(trial.Id);
                store.RecordProgress(failed, [.. Enumerable.Range(1, 10).Select(s => new MetricRecord(s, "train/loss", 1.0 / s))], [new CheckpointRecord(5, "/runs/x.ckpt", new string('a', 64))]);
                store.RecordLog(failed, LogSource.Stderr, ["crashed"]);
                store.CompleteAttempt(failed, AttemptOutcome.Failed, "signal 9", new TrialTimings(1, 2, 3, 4, 10));
                var succeeded = store.BeginAttempt(trial.Id);
                store.RecordProgress(succeeded, [.. Enumerable.Range(6, 15).Select(s => new MetricRecord(s, "train/loss", 1.0 / s)), new MetricRecord(20, "test/error", double.NaN)], []);
                store.RecordLog(succeeded, LogSource.Worker, ["resuming from the checkpoint of step 5"]);
                store.CompleteAttempt(succeeded, AttemptOutcome.Succeeded, null, new TrialTimings(0.5, 1.5, 2.5, 3.5, 8));
            }
            store.RecordFit("fuzz", "test", """{"a":1.5,"b":0.3}""");
        }
        // One self-contained file, as a copy of a store would be.
        using (var raw = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            raw.Open();
            using var command = raw.CreateCommand();
            command.CommandText = "PRAGMA wal_checkpoint(TRUNCATE); PRAGMA journal_mode = DELETE";
            command.ExecuteNonQuery();
        }
        return path;
    }

    [Fact]
    public void A_damaged_results_store_is_refused_naming_the_file_and_the_fix_or_read_and_never_yields_a_changed_metric()
    {
        var original = File.ReadAllBytes(Original());
        var expected = Read(_folder.File("original.db"));
        var outcomes = new Outcomes();
        var index = 0;

        Fuzzing.Run(150, damage =>
        {
            var path = _folder.File($"damaged-{index++}.db");
            File.WriteAllBytes(path, damage.Apply(original));
            try
            {
                var read = Fuzzing.Within(Patience, () => Read(path), path);
                // Every metric read is one that was written: checksums make a damaged value an error.
                Assert.Empty(read.Metrics.Except(expected.Metrics));
                outcomes.Add(read.SameAs(expected) ? "read as written (damage in unused bytes)"
                    : read.Metrics.SequenceEqual(expected.Metrics) ? "read: metrics intact, other fields changed" : "read: metrics missing");
            }
            catch (StoreException e)
            {
                Assert.True(e.Message.Contains(path) && e.Message.Contains("move it aside", StringComparison.OrdinalIgnoreCase),
                    $"{damage}: {e.GetType().Name}: {e.Message}");
                outcomes.Add($"refused: {e.GetType().Name}");
            }
        });
        output.WriteLine($"results stores, {outcomes.Total} damaged files: {outcomes}");
        Assert.True(outcomes["refused: StoreCorruptException"] > 0);
    }
}
