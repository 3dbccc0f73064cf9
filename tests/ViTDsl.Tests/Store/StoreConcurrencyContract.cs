using ViTDsl.Runtime.Store;

namespace ViTDsl.Tests.Store;

public abstract class StoreConcurrencyContract<TStore> : IDisposable where TStore : IStoreUnderTest, new()
{
    private readonly TStore _store = new();

    public void Dispose() => _store.Dispose();

    [Fact]
    public async Task Four_connections_write_at_once_while_a_reader_reads_and_nothing_is_lost()
    {
        const int writers = 4, batches = 40, perBatch = 25;
        using (var setup = _store.Open())
            setup.EnsureSweep("s", Enumerable.Range(0, writers).Select(i => ($"t{i}", "{}")));

        var fast = new StoreOptions { SyncEveryCommit = false };
        using var go = new ManualResetEventSlim();
        var writing = Enumerable.Range(0, writers).Select(w => Task.Run(() =>
        {
            using var store = _store.Open(fast); // its own connection, as a separate process would have
            var attempt = store.BeginAttempt(store.Trials("s").Single(t => t.Name == $"t{w}").Id);
            go.Wait();
            for (var b = 0; b < batches; b++)
                store.RecordProgress(attempt, Enumerable.Range(b * perBatch, perBatch).Select(s => new MetricRecord(s, "loss", w + s / 1000.0)).ToList(),
                    b % 10 == 9 ? [new CheckpointRecord(b, $"/ckpt/{w}/{b}", "00")] : []);
            store.CompleteAttempt(attempt, AttemptOutcome.Succeeded, null, null);
        })).ToList();

        var seen = new List<int>();
        using (var reader = _store.Open(fast))
        {
            var trials = reader.Trials("s");
            go.Set();
            while (!writing.All(t => t.IsCompleted))
                seen.Add(trials.Sum(t => reader.Metrics(t.Id).Count)); // never blocked, never a partial batch
        }
        await Task.WhenAll(writing);

        using var check = _store.Open();
        Assert.Equal("ok", check.IntegrityCheck());
        foreach (var trial in check.Trials("s"))
        {
            var w = int.Parse(trial.Name[1..]);
            Assert.Equal(TrialStatus.Succeeded, trial.Status);
            Assert.Equal(Enumerable.Range(0, batches * perBatch).Select(s => new MetricRecord(s, "loss", w + s / 1000.0)), check.Metrics(trial.Id));
            Assert.Equal(batches / 10, check.Checkpoints(trial.Id).Count);
        }
        Assert.All(seen, n => Assert.Equal(0, n % perBatch)); // a reader sees whole transactions only
    }
}

public sealed class StoreConcurrencyContractOnSqlite : StoreConcurrencyContract<SqliteStoreUnderTest>;
