using System.Text.Json;
using ViTDsl.Runtime.Models;
using ViTDsl.Runtime.Train;

namespace ViTDsl.Runtime.Workers;

/// <summary>What a sweep's trial carries to its worker and into the store: enough to analyse it without the code.</summary>
/// <param name="TestImages">Test images evaluated at the end (the first n); null: the whole test set.</param>
/// <param name="SharedSteps">Steps the run shares with its lineage (<see cref="ViTDsl.Lineage.SharedSteps"/>): evaluations up to
/// here lie on the lineage's one learning curve, later ones in the run's own cooldown.</param>
/// <param name="Lineage">A short digest of <see cref="ViTDsl.Lineage.KeyOf"/>: runs with equal digests share a training prefix.</param>
internal sealed record TrainingTrial(string Experiment, string Variant, long Parameters, long Steps, long ImagesSeen, double TrainingFlops, int Threads, int? TestImages,
    long? SharedSteps = null, string? Lineage = null)
{
    /// <summary>
    /// The upstream data set's few-shot target name (<see cref="FewShot.TargetName"/>), which few-shot metrics without a
    /// target default to; null in stores written before few-shot targets.
    /// </summary>
    public string? DataSet { get; init; }

    /// <summary>Training images of the declared subset (<c>Data.TrainImages</c>); null: the whole training set, or a store written before it was kept.</summary>
    public long? TrainImages { get; init; }

    /// <summary>
    /// The precision a <see cref="ViTDsl.Precision.Auto"/> declaration resolved to ("fp32" or "bf16"), decided once when
    /// the sweep first ran and kept in the store with the trial, so every attempt and resume trains in it; null for a
    /// declared precision (the declaration says it).
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public string? Precision { get; init; }

    /// <summary>
    /// The trial as it trains, with a <see cref="ViTDsl.Precision.Auto"/> declaration resolved to
    /// <paramref name="resolved"/>: its lineage is that of the resolved declaration, so checkpoints of one precision
    /// never continue in the other.
    /// </summary>
    public static TrainingTrial Of(GeneratedExperiment e, int threads, int? testImages, Precision resolved) =>
        e.Declaration.Precision == ViTDsl.Precision.Auto
            ? Of(e.Resolved(resolved), threads, testImages) with { Precision = resolved.Label() }
            : Of(e, threads, testImages);

    /// <summary>The precision this trial trains in: the recorded resolution of an Auto declaration, else <paramref name="declared"/>.</summary>
    public Precision TrainsIn(Precision declared) => Precisions.FromLabel(Precision) is { } p && p.IsResolved() ? p : declared;

    public static TrainingTrial Of(GeneratedExperiment e, int threads, int? testImages) => new(
        e.Name, e.Declaration.Model.Variant, e.Facts.TotalParameters, e.Declaration.Steps,
        e.Declaration.Steps * e.Declaration.Data.Batch,
        TrainingCompute.Of(e.Declaration, e.Declaration.Steps * e.Declaration.Data.Batch).Flops, threads, testImages,
        ViTDsl.Lineage.SharedSteps(e.Declaration), LineageDigest(e.Declaration))
    {
        DataSet = FewShot.TargetName(e.Declaration.Data.Set),
        TrainImages = e.Declaration.Data.TrainImages,
    };

    /// <summary>The first 12 hex digits of the SHA-256 of the lineage key: short, and equal exactly when the keys are.</summary>
    public static string LineageDigest(Experiment experiment) =>
        Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(ViTDsl.Lineage.KeyOf(experiment))))[..12];

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
}

/// <summary>
/// Runs one trial of a sweep in a worker: trains the declared experiment with <see cref="Trainer"/> and reports its
/// losses, checkpoints and final evaluation to the parent. Runs of one lineage share the sweep's lineage folder, so
/// a duration branches off the longest run's prefix. A resumed attempt continues only from checkpoints the store
/// recorded, so no recorded metric is ever skipped.
/// </summary>
/// <param name="find">The experiment a trial names, as this worker's build declares it.</param>
/// <param name="lineageRuns">The runs an experiment is planned with (its sweep's trials): those of its lineage branch
/// off it, so it keeps checkpoints where they start their cooldowns; null: none known.</param>
internal sealed class TrainingTrialRunner(Func<string, GeneratedExperiment?> find, Func<GeneratedExperiment, IEnumerable<GeneratedExperiment>>? lineageRuns = null) : ITrialRunner
{
    public Task RunAsync(TrialSpec trial, ITrialReporter reporter, CancellationToken cancellationToken)
    {
        var spec = trial.Payload.Deserialize<TrainingTrial>(TrainingTrial.Json)
            ?? throw new InvalidDataException($"Trial {trial.Name} has no training payload.");
        var declared = find(spec.Experiment)
            ?? throw new InvalidOperationException($"This worker has no experiment named '{spec.Experiment}'; rebuild so the worker and the sweep agree.");
        var experiment = declared.Resolved(spec.TrainsIn(declared.Declaration.Precision));
        BuildIdentity.Check(trial.Name, spec, experiment); // before anything is trained or written
        var recorded = trial.Resume.Checkpoints;
        var options = new TrainingOptions(Path.Combine(Path.GetDirectoryName(trial.RunDirectory)!, "lineages"))
        {
            Threads = spec.Threads,
            TestImages = spec.TestImages,
            CheckpointEvery = Math.Max(50, experiment.Declaration.Steps / 8),
            // Declared (not resolved) declarations: an Auto lineage resolves as one, so its runs' keys agree either way.
            BranchPoints = lineageRuns is null ? [] : ViTDsl.Lineage.BranchPoints(declared.Declaration, lineageRuns(declared).Select(r => r.Declaration)),
            // A fresh trial may branch off any shared checkpoint of its lineage; a resumed one only off what it recorded.
            MayResumeFrom = trial.Resume.LastMetricStep is null && recorded.Count == 0
                ? null
                : (path, _) => recorded.Any(c => c.Path == path && CheckpointFiles.Matches(c.Path, c.Sha256)),
        };
        reporter.Phase(TrialPhase.Loading);
        var result = Trainer.Run(experiment, options, new Reporting(reporter), cancellationToken);
        reporter.Phase(TrialPhase.Recording);
        reporter.Metric(result.Steps, MetricName.TestError, result.TestError);
        reporter.Metric(result.Steps, MetricName.TestLoss, result.TestLoss);
        foreach (var (name, error) in result.FewShotError) reporter.Metric(result.Steps, name, error);
        // How well the trial used the CPU: the sweep's achieved rate is the sum of these FLOPs over its wall time.
        reporter.Metric(result.Steps, MetricName.TrainFlops, result.TrainedFlops);
        reporter.Metric(result.Steps, MetricName.AchievedGflops, result.AchievedGflops);
        reporter.Metric(result.Steps, MetricName.PeriodicEvaluateSeconds, result.PeriodicEvaluateSeconds);
        return reporter.FlushAsync(cancellationToken);
    }

    private sealed class Reporting(ITrialReporter reporter) : ITrainingObserver
    {
        private long total;

        public void Started(string name, long fromStep, long totalSteps)
        {
            total = totalSteps;
            reporter.Log($"{name}: training steps {fromStep}…{totalSteps}");
            reporter.Phase(TrialPhase.Training);
        }

        /// <summary>Periodic evaluations go to the store as they happen (the learning curve); the final one is recorded with the result.</summary>
        public void Evaluated(long step, IReadOnlyDictionary<string, double> metrics)
        {
            if (step >= total) return;
            foreach (var (name, value) in metrics) reporter.Metric(step, name, value);
        }

        public void Stepped(long step, double loss, double imagesPerSecond)
        {
            reporter.Metric(step, MetricName.TrainLoss, loss);
            reporter.Metric(step, MetricName.TrainImagesPerSecond, imagesPerSecond);
        }

        public void Checkpointed(long step, string path) => reporter.Checkpoint(step, path);
        public void Log(string message) => reporter.Log(message);
    }
}
