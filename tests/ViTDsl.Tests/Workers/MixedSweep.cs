using System.Text.Json;
using ViTDsl.Runtime.Store;
using ViTDsl.Runtime.Workers;
using ViTDsl.TestWorker;
using ViTDsl.Tests.Store;

namespace ViTDsl.Tests.Workers;

/// <summary>
/// A tiny sweep of four least-squares trials run once, uninterrupted, with four workers at once: a plain trial, one
/// whose worker is SIGKILLed at step 12 of its first attempt, one whose worker is killed on every attempt, and a
/// longer one (slowed per step so the kill-and-resume test can catch it mid-run). Its store is the reference
/// that test compares against.
/// </summary>
public sealed class MixedSweep : IDisposable
{
    public const string Collection = "mixed sweep";

    public static readonly IReadOnlyDictionary<string, LeastSquaresPayload> Payloads = new Dictionary<string, LeastSquaresPayload>
    {
        ["plain"] = new(Seed: 1, Rows: 48, Cols: 6, Steps: 20, LearningRate: 0.1, CheckpointEvery: 5),
        ["crash-once"] = new(Seed: 2, Rows: 48, Cols: 6, Steps: 30, LearningRate: 0.1, CheckpointEvery: 10, StepDelayMs: 10, CrashAtStep: 12),
        ["crash-always"] = new(Seed: 3, Rows: 48, Cols: 6, Steps: 30, LearningRate: 0.1, CheckpointEvery: 10, CrashAtStep: 5, CrashOnAttempt: 0),
        ["long"] = new(Seed: 4, Rows: 48, Cols: 6, Steps: 60, LearningRate: 0.05, CheckpointEvery: 10, StepDelayMs: 50),
    };

    internal static SweepDefinition Definition { get; } = new("mixed",
        Payloads.Select(p => new SweepTrial(p.Key, JsonSerializer.SerializeToElement(p.Value, new JsonSerializerOptions(JsonSerializerDefaults.Web)))).ToList());

    internal static WorkerCommand Worker => WorkerCommand.Dotnet(typeof(LeastSquaresTrial).Assembly.Location, "worker");

    public TempFolder Folder { get; } = new();
    public string StorePath => Folder.File("reference.db");
    internal SweepSummary Summary { get; }
    internal List<SweepProgress> Progress { get; } = [];

    public MixedSweep()
    {
        using var store = ResultsStore.Open(StorePath);
        var runner = new SweepRunner(store, new SweepRunnerOptions { Worker = Worker, RunRoot = Folder.File("runs"), Parallelism = 4 });
        var progress = new InlineProgress(p => { lock (Progress) Progress.Add(p); });
        Summary = runner.RunAsync(Definition, progress).WaitAsync(TimeSpan.FromMinutes(3)).GetAwaiter().GetResult();
    }

    public void Dispose() => Folder.Dispose();

    private sealed class InlineProgress(Action<SweepProgress> report) : IProgress<SweepProgress>
    {
        public void Report(SweepProgress value) => report(value);
    }
}

// Not parallel with other classes: its sweeps run worker processes under time limits.
[CollectionDefinition(MixedSweep.Collection, DisableParallelization = true)]
public sealed class MixedSweepCollection : ICollectionFixture<MixedSweep>;
