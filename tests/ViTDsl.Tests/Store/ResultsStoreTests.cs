using Microsoft.Data.Sqlite;
using ViTDsl.Runtime.Store;

namespace ViTDsl.Tests.Store;

public sealed class ResultsStoreTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private static long Trial(ResultsStore store, string name = "t") => store.EnsureSweep("s", [(name, "{\"lr\":0.1}")]).Single(t => t.Name == name).Id;

    [Fact]
    public void A_new_store_is_in_WAL_mode_at_the_current_schema_version()
    {
        var path = _folder.File("new/results.db"); // the folder does not exist yet
        using (ResultsStore.Open(path)) { }
        using var raw = new SqliteConnection($"Data Source={path};Pooling=False");
        raw.Open();
        using var command = raw.CreateCommand();
        command.CommandText = "PRAGMA journal_mode";
        Assert.Equal("wal", command.ExecuteScalar());
        command.CommandText = "PRAGMA user_version";
        Assert.Equal(2L, command.ExecuteScalar());
        command.CommandText = "SELECT group_concat(name, ',') FROM (SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name)";
        Assert.Equal("attempts,checkpoints,fits,logs,metrics,runner_leases,sweeps,trials", command.ExecuteScalar());
    }

    [Fact]
    public void Re_recording_a_metric_replaces_it_and_never_duplicates()
    {
        using var store = ResultsStore.Open(_folder.File("r.db"));
        var trial = Trial(store);
        var first = store.BeginAttempt(trial);
        store.RecordProgress(first, [new(1, "loss", 3.0), new(2, "loss", 2.0), new(3, "loss", 1.5)], [new(2, "/c/2", "aa")]);
        store.CompleteAttempt(first, AttemptOutcome.Failed, "crash", null);

        var second = store.BeginAttempt(trial);
        Assert.Equal(2, second.Attempt);
        Assert.Equal(3, second.Resume.LastMetricStep);
        Assert.Equal(new CheckpointRecord(2, "/c/2", "aa"), second.Resume.LatestCheckpoint);
        store.RecordProgress(second, [new(3, "loss", 1.25), new(4, "loss", double.NaN)], [new(2, "/c/2b", "bb")]);

        Assert.Equal([new(1, "loss", 3.0), new(2, "loss", 2.0), new(3, "loss", 1.25), new(4, "loss", double.NaN)], store.Metrics(trial));
        Assert.Equal([new CheckpointRecord(2, "/c/2b", "bb")], store.Checkpoints(trial));
    }

    [Fact]
    public void Attempts_move_a_trial_through_its_statuses()
    {
        using var store = ResultsStore.Open(_folder.File("a.db"));
        var trial = Trial(store);
        var one = store.BeginAttempt(trial);
        Assert.Equal(TrialStatus.Running, store.Trials("s").Single().Status);
        store.CompleteAttempt(one, AttemptOutcome.Failed, "boom", new TrialTimings(1, 2, 3, 4, 10));
        var failed = store.Trials("s").Single();
        Assert.Equal((TrialStatus.Failed, 1, 1, "boom"), (failed.Status, failed.Attempts, failed.Failures, failed.Error));

        var two = store.BeginAttempt(trial);
        store.CompleteAttempt(two, AttemptOutcome.Succeeded, null, new TrialTimings(0.5, 1, 7, 0.25, 9));
        var done = store.Trials("s").Single();
        Assert.Equal((TrialStatus.Succeeded, 2, 1, (string?)null), (done.Status, done.Attempts, done.Failures, done.Error));
        Assert.Equal(new TrialTimings(0.5, 1, 7, 0.25, 9), done.Timings);
        Assert.Equal([AttemptOutcome.Failed, AttemptOutcome.Succeeded], store.Attempts(trial).Select(a => a.Outcome));
    }

    [Fact]
    public void A_runner_that_died_leaves_running_attempts_that_recovery_marks_interrupted()
    {
        var path = _folder.File("d.db");
        using (var dying = ResultsStore.Open(path))
        {
            var trial = Trial(dying);
            dying.BeginAttempt(trial); // and never completes it
        }
        using var store = ResultsStore.Open(path);
        Assert.Equal(1, store.RecoverInterrupted("s"));
        var t = store.Trials("s").Single();
        Assert.Equal((TrialStatus.Pending, 0), (t.Status, t.Failures));
        Assert.Equal(AttemptOutcome.Interrupted, store.Attempts(t.Id).Single().Outcome);
    }

    [Fact]
    public void A_trial_whose_spec_changed_under_the_same_name_is_refused()
    {
        using var store = ResultsStore.Open(_folder.File("spec.db"));
        store.EnsureSweep("s", [("t", "{\"lr\":0.1}")]);
        Assert.Single(store.EnsureSweep("s", [("t", "{\"lr\":0.1}")])); // same spec: fine, same trial
        var e = Assert.Throws<StoreException>(() => store.EnsureSweep("s", [("t", "{\"lr\":0.2}")]));
        Assert.Contains("different spec", e.Message);
        Assert.Contains("new name", e.Message);
    }

    [Fact]
    public void Logs_are_kept_per_attempt_in_order_and_fits_are_replaced_by_target()
    {
        using var store = ResultsStore.Open(_folder.File("l.db"));
        var trial = Trial(store);
        var one = store.BeginAttempt(trial);
        store.RecordLog(one, LogSource.Worker, ["a", "b"]);
        store.RecordLog(one, LogSource.Stderr, ["boom"]);
        store.CompleteAttempt(one, AttemptOutcome.Failed, "boom", null);
        var two = store.BeginAttempt(trial);
        store.RecordLog(two, LogSource.Worker, ["a"]);
        Assert.Equal([new(1, LogSource.Worker, "a"), new(1, LogSource.Worker, "b"), new(1, LogSource.Stderr, "boom"), new LogLine(2, LogSource.Worker, "a")],
            store.Logs(trial));

        store.RecordFit("s", "error", "{\"a\":1}");
        store.RecordFit("s", "error", "{\"a\":2}");
        Assert.Equal("{\"a\":2}", store.Fits("s")["error"]);
        Assert.Contains("no sweep 'nope'", Assert.Throws<StoreException>(() => store.RecordFit("nope", "error", "{}")).Message);
    }
}
