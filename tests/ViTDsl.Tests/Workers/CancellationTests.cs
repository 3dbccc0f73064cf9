using System.Text.Json;
using ViTDsl.Runtime.Store;
using ViTDsl.Runtime.Workers;
using ViTDsl.TestWorker;
using ViTDsl.Tests.Store;

namespace ViTDsl.Tests.Workers;

[Collection(SerialCollection.Name)] // it runs worker processes under time limits
public sealed class CancellationTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task Cancelling_the_runner_stops_its_workers_and_leaves_the_trial_pending_for_the_next_run()
    {
        var payload = new LeastSquaresPayload(Seed: 5, Rows: 16, Cols: 4, Steps: 100_000, LearningRate: 0.01, CheckpointEvery: 1000, StepDelayMs: 20);
        var sweep = new SweepDefinition("cancel", [new SweepTrial("endless", JsonSerializer.SerializeToElement(payload, new JsonSerializerOptions(JsonSerializerDefaults.Web)))]);
        using var store = ResultsStore.Open(_folder.File("cancel.db"));
        using var cancel = new CancellationTokenSource();
        var progress = new Progress(p => { if (p.Running.Any(r => r.LastStep > 0)) cancel.Cancel(); });
        var runner = new SweepRunner(store, new SweepRunnerOptions { Worker = MixedSweep.Worker, RunRoot = _folder.File("runs") });

        var summary = await runner.RunAsync(sweep, progress, cancel.Token).WaitAsync(TimeSpan.FromMinutes(2));

        Assert.Equal(new SweepSummary(0, 0, 0, Cancelled: true), summary);
        var trial = store.Trials("cancel").Single();
        Assert.Equal((TrialStatus.Pending, 0), (trial.Status, trial.Failures));
        var attempt = store.Attempts(trial.Id).Single();
        Assert.Equal((AttemptOutcome.Interrupted, "cancelled"), (attempt.Outcome, attempt.Error));
        Assert.False(File.Exists($"/proc/{attempt.WorkerPid}/stat") && !File.ReadAllText($"/proc/{attempt.WorkerPid}/stat").Contains(") Z"),
            "the worker is still running after the runner returned");
        Assert.NotEmpty(store.Metrics(trial.Id));
    }

    private sealed class Progress(Action<SweepProgress> report) : IProgress<SweepProgress>
    {
        public void Report(SweepProgress value) => report(value);
    }
}
