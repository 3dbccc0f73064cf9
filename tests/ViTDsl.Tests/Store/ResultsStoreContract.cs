using ViTDsl.Runtime.Store;

namespace ViTDsl.Tests.Store;

/// <summary>
/// What a results store records and how (the store contract), run against every database it can use: each test
/// gets a fresh, empty store from <typeparamref name="TStore"/>.
/// </summary>
public abstract class ResultsStoreContract<TStore> : IDisposable where TStore : IStoreUnderTest, new()
{
    protected readonly TStore Store = new();

    public void Dispose() => Store.Dispose();

    private static long Trial(ResultsStore store, string name = "t") => store.EnsureSweep("s", [(name, "{\"lr\":0.1}")]).Single(t => t.Name == name).Id;

    [Fact]
    public void Re_recording_a_metric_replaces_it_and_never_duplicates()
    {
        using var store = Store.Open();
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
        using var store = Store.Open();
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
        using (var dying = Store.Open())
        {
            var trial = Trial(dying);
            dying.BeginAttempt(trial); // and never completes it
        }
        using var store = Store.Open();
        Assert.Equal(1, store.RecoverInterrupted("s"));
        var t = store.Trials("s").Single();
        Assert.Equal((TrialStatus.Pending, 0), (t.Status, t.Failures));
        Assert.Equal(AttemptOutcome.Interrupted, store.Attempts(t.Id).Single().Outcome);
    }

    [Fact]
    public void A_trial_whose_spec_changed_under_the_same_name_is_refused()
    {
        using var store = Store.Open();
        store.EnsureSweep("s", [("t", "{\"lr\":0.1}")]);
        Assert.Single(store.EnsureSweep("s", [("t", "{\"lr\":0.1}")])); // same spec: fine, same trial
        var e = Assert.Throws<StoreException>(() => store.EnsureSweep("s", [("t", "{\"lr\":0.2}")]));
        Assert.Contains("different spec", e.Message);
        Assert.Contains("new name", e.Message);
    }

    [Fact]
    public void Logs_are_kept_per_attempt_in_order_and_fits_are_replaced_by_target()
    {
        using var store = Store.Open();
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

    [Fact]
    public void Recovering_one_trial_leaves_the_running_attempts_of_the_others_alone()
    {
        using var store = Store.Open();
        var a = Trial(store, "a");
        var b = Trial(store, "b");
        store.BeginAttempt(a);
        store.BeginAttempt(b);
        Assert.True(store.RecoverInterrupted(a));
        Assert.False(store.RecoverInterrupted(a)); // nothing left to recover
        Assert.Equal([TrialStatus.Pending, TrialStatus.Running], store.Trials("s").OrderBy(t => t.Name).Select(t => t.Status));
        Assert.Equal(AttemptOutcome.Interrupted, store.Attempts(a).Single().Outcome);
        Assert.Equal(AttemptOutcome.Running, store.Attempts(b).Single().Outcome);
    }

    [Fact]
    public void Retry_failed_gives_failed_trials_a_new_budget_keeping_their_attempts()
    {
        using var store = Store.Open();
        var trials = store.EnsureSweep("s", [("failed", "{}"), ("once", "{}"), ("done", "{}")]);
        foreach (var _ in Enumerable.Range(0, 2)) store.CompleteAttempt(store.BeginAttempt(trials[0].Id), AttemptOutcome.Failed, "boom", null);
        store.CompleteAttempt(store.BeginAttempt(trials[1].Id), AttemptOutcome.TimedOut, "slow", null);
        store.CompleteAttempt(store.BeginAttempt(trials[2].Id), AttemptOutcome.Succeeded, null, TrialTimings.Zero);

        Assert.Equal(2, store.RetryFailed("s"));

        Assert.Equal([(TrialStatus.Pending, 0, 2), (TrialStatus.Pending, 0, 1), (TrialStatus.Succeeded, 0, 1)],
            store.Trials("s").Select(t => (t.Status, t.Failures, t.Attempts)));
        Assert.Equal([AttemptOutcome.Failed, AttemptOutcome.Failed], store.Attempts(trials[0].Id).Select(a => a.Outcome)); // the history stays
        Assert.Equal(0, store.RetryFailed("s"));
    }

    [Fact]
    public void A_new_store_is_at_the_current_schema_version_and_reopening_it_changes_nothing()
    {
        using (var first = Store.Open()) Trial(first);
        using var again = Store.Open();
        Assert.Equal(["t"], again.Trials("s").Select(t => t.Name));
        Assert.Equal(5, Store.SchemaVersion()); // StoreSchema.Version: rel's attempt statuses (4), then the few-shot names (5)
    }

    [Fact]
    public void A_store_of_schema_4_has_its_old_few_shot_names_rewritten_once_when_opened()
    {
        using (var store = Store.Open())
        {
            // Before few-shot targets: no data set in the spec (its upstream is unnamed), or the upstream's target name.
            var trials = store.EnsureSweep("s", [("old", "{\"experiment\":\"old\"}"), ("fashion", "{\"dataSet\":\"fashion_mnist\"}")])
                .ToDictionary(t => t.Name, t => t.Id);
            var old = store.BeginAttempt(trials["old"]);
            store.RecordProgress(old, [new(200, "fewshot/10", 0.4), new(200, "fewshot/5shot_error", 0.6), new(200, "test/error", 0.3)], []);
            var fashion = store.BeginAttempt(trials["fashion"]);
            store.RecordProgress(fashion, [new(100, "fewshot/25", 0.25), new(200, "fewshot/25", 0.2), new(200, "fewshot/mnist_digits/10shot_error", 0.5)], []);
        }
        Store.SetSchemaVersion(4);
        using (var store = Store.Open())
        {
            Assert.Equal(5, Store.SchemaVersion());
            var trials = store.Trials("s").ToDictionary(t => t.Name, t => t.Id);
            // Reading checks each metric's checksum, so the renamed ones were re-summed too.
            Assert.Equal([("fewshot/upstream/10shot_error", 200L, 0.4), ("fewshot/upstream/5shot_error", 200L, 0.6), ("test/error", 200L, 0.3)],
                store.Metrics(trials["old"]).Select(m => (m.Name, m.Step, m.Value)).OrderBy(m => m.Name));
            Assert.Equal([("fewshot/fashion_mnist/25shot_error", 100L, 0.25), ("fewshot/fashion_mnist/25shot_error", 200L, 0.2), ("fewshot/mnist_digits/10shot_error", 200L, 0.5)],
                store.Metrics(trials["fashion"]).Select(m => (m.Name, m.Step, m.Value)).OrderBy(m => m.Name).ThenBy(m => m.Step));
        }
    }
}

public sealed class ResultsStoreContractOnSqlite : ResultsStoreContract<SqliteStoreUnderTest>;
