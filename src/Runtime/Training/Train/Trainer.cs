using System.Diagnostics;
using System.Text.Json;
using TorchSharp;
using ViTDsl.Runtime.Data;
using ViTDsl.Runtime.Models;
using ViTDsl.Runtime.Optim;
using ViTDsl.Runtime.Train.Checkpoints;
using ViTDsl.Runtime.Train.Metrics;
using static TorchSharp.torch;

namespace ViTDsl.Runtime.Train;

/// <summary>
/// Trains one declared experiment the paper's way: its loss, clipping, optimizer chain and schedule, on its data.
/// A run resumes from its own latest checkpoint, or else branches off the latest checkpoint its lineage wrote on the
/// shared prefix (so durations of a sweep cost one main run plus cooldowns); it gives exactly the numbers of an
/// uninterrupted run. A finished run is not trained again: its result.json is read back.
/// </summary>
public static class Trainer
{
    private const string ModelPrefix = "model/", OptimizerPrefix = "optimizer/";

    public static TrainingResult Run(GeneratedExperiment generated, TrainingOptions options, ITrainingObserver? observer = null,
        CancellationToken cancellation = default)
    {
        Compute.NativeHeap.FixThresholds(); // before any tensor: a resumed run trains as fast as a fresh one
        generated = RunPrecision.Resolve(generated, options, observer); // Precision.Auto: decided here, part of the lineage
        var experiment = generated.Declaration;
        var problems = ExperimentRules.Check(experiment);
        if (problems.Count > 0)
            throw new ArgumentException($"{generated.Name} cannot be trained: " + string.Join(" ", problems.Select(p => $"[{p.Id}] {p.Message}")));
        if (experiment.Weights is { } outside)
            throw new ArgumentException($"{generated.Name}'s weights come from {outside.Path}; it is not trained: fine-tune from it with StartFrom = {generated.Name}.");
        var layout = new RunLayout(options.Root, experiment);
        if (File.Exists(layout.Result)) return ReadResult(layout.Result, experiment);
        layout.Create();
        observer = TensorBoard.TensorBoardObserver.Attach(observer ?? new NoObserver(), options, layout, generated);
        if (options.Threads is int threads) set_num_threads(threads);

        var clock = Stopwatch.StartNew();
        manual_seed(experiment.Data.Seed);
        using var model = generated.CreateModel(null);
        using var chain = OptimizerChain.For(experiment, model, generated.Parameters);
        var data = options.Data?.Invoke(experiment) ?? DataPipeline.Load(experiment);
        var (step, position) = Resume(layout, experiment, model, chain, observer, options.MayResumeFrom);
        if (step == 0 && experiment.StartFrom is { } upstream)
        {
            FineTuneStart.Load(model, upstream, options.Root);
            observer.Log($"fine-tuning from the final weights of the {upstream.Model.Variant} run of {upstream.Steps} steps");
        }
        var loadSeconds = clock.Elapsed.TotalSeconds;

        observer.Started(generated.Name, step, experiment.Steps);
        using var metrics = MetricsFile.Open(layout.Metrics);
        var loop = new Loop(experiment, options, observer, layout, model, chain, data, metrics) { Step = step, Position = position };
        loop.Train(cancellation);

        var evaluating = Stopwatch.StartNew();
        var evaluation = Evaluation.Run(model, experiment, data, options, keepFeatures: layout.Features);
        var evaluated = Named(evaluation);
        metrics.Append(evaluated.Select(m => new MetricRecord(experiment.Steps, m.Key, m.Value)));
        observer.Evaluated(experiment.Steps, evaluated);
        var result = Result(generated, evaluation, loop) with
        {
            ResumedFrom = step,
            LoadSeconds = loadSeconds,
            EvaluateSeconds = evaluating.Elapsed.TotalSeconds,
            TrainedFlops = TrainingCompute.Of(experiment, (experiment.Steps - step) * experiment.Data.Batch).Flops,
        };
        Finish(layout, experiment, loop.Position, model, result);
        return result;
    }

    private static TrainingResult Result(GeneratedExperiment generated, Evaluation.Result evaluation, Loop loop)
    {
        var experiment = generated.Declaration;
        var imagesSeen = experiment.Steps * experiment.Data.Batch;
        return new TrainingResult(generated.Name, experiment.Model.Variant, generated.Facts.TotalParameters, experiment.Steps, imagesSeen,
            TrainingCompute.Of(experiment, imagesSeen).Flops, evaluation.TestError, evaluation.TestLoss, loop.LastLoss)
        {
            FewShotError = evaluation.FewShotError.ToDictionary(e => e.Key.Name, e => e.Value),
            FewShotSeconds = evaluation.ProbeSeconds,
            Precision = experiment.Precision.Label(),
            TrainSeconds = loop.TrainSeconds,
            PeriodicEvaluateSeconds = loop.PeriodicSeconds,
        };
    }

    /// <summary>Final weights before the result (a finished run always has them, for fine-tunes that start from it), then the result.</summary>
    private static void Finish(RunLayout layout, Experiment experiment, DataPosition position, VitModule model, TrainingResult result)
    {
        using (var scope = NewDisposeScope())
            Checkpoint.Write(layout.FinalWeights, new CheckpointHeader(layout.LineageKey, experiment.Steps, experiment.Data.Seed, position), model.state_dict());
        DurableFile.WriteAtomically(layout.Result, stream => JsonSerializer.Serialize(stream, result, JsonOptions));
        if (File.Exists(layout.OwnCheckpoint)) File.Delete(layout.OwnCheckpoint); // the result supersedes it
    }

    /// <summary>
    /// The steps of one run from where it starts to its end: each step's update, the training loss every
    /// <see cref="TrainingOptions.LogEvery"/> steps, the periodic evaluations and the checkpoints (the shared prefix's
    /// branch point, every <see cref="TrainingOptions.CheckpointEvery"/> steps, and on cancellation).
    /// </summary>
    private sealed class Loop(Experiment experiment, TrainingOptions options, ITrainingObserver observer, RunLayout layout,
        VitModule model, OptimizerChain chain, DataPipeline data, MetricsFile metrics)
    {
        private readonly long total = experiment.Steps, shared = Lineage.SharedSteps(experiment);
        private readonly HashSet<long> evaluateAt = new((options.Evaluations ?? experiment.Evaluations).PeriodicSteps(experiment.Steps));
        private readonly Stopwatch periodic = new();
        private Stopwatch window = Stopwatch.StartNew();
        private long windowImages;

        public long Step { get; set; }
        public DataPosition Position { get; set; } = DataPosition.Start;
        public double LastLoss { get; private set; } = double.NaN;
        public double TrainSeconds { get; private set; }
        public double PeriodicSeconds => periodic.Elapsed.TotalSeconds;

        public void Train(CancellationToken cancellation)
        {
            using var batches = data.Batches(Position);
            var training = Stopwatch.StartNew();
            long startStep = Step;
            while (Step < total)
            {
                if (cancellation.IsCancellationRequested)
                {
                    // Stopping is not losing: keep everything up to this step.
                    if (Step > startStep) Save(Step <= shared ? layout.SharedCheckpoint(Step) : layout.OwnCheckpoint, layout, experiment, Step, Position, model, chain);
                    cancellation.ThrowIfCancellationRequested();
                }
                Update(batches);
                Step++;
                AfterStep();
            }
            TrainSeconds = (training.Elapsed - periodic.Elapsed).TotalSeconds;
        }

        private void Update(BatchLoader batches)
        {
            using var scope = NewDisposeScope();
            using var batch = batches.Next();
            var loss = Losses.Of(experiment.Loss, model.forward(batch.Images), batch.Labels);
            chain.ZeroGrad();
            loss.backward();
            chain.Step(experiment.Schedule.Multiplier(Step, total));
            LastLoss = loss.item<float>();
            windowImages += batch.Count;
            Position = batch.End;
        }

        private void AfterStep()
        {
            if (Step % options.LogEvery == 0 || Step == total)
            {
                var rate = windowImages / Math.Max(window.Elapsed.TotalSeconds, 1e-9);
                metrics.Append(Step, MetricName.TrainLoss, LastLoss);
                observer.Stepped(Step, LastLoss, rate);
                (windowImages, window) = (0, Stopwatch.StartNew());
            }
            if (evaluateAt.Contains(Step))
            {
                // Periodic evaluations trace the learning curve (test error and loss); the few-shot probes, whose cost is
                // in the seconds per target, run at the final evaluation only.
                periodic.Start();
                var during = Named(Evaluation.Run(model, experiment, data, options, withFewShot: false));
                periodic.Stop();
                metrics.Append(during.Select(m => new MetricRecord(Step, m.Key, m.Value)));
                observer.Evaluated(Step, during);
            }
            if (Step == shared || options.BranchPoints.Contains(Step) || (options.CheckpointEvery > 0 && Step % options.CheckpointEvery == 0 && Step < total))
            {
                var path = Step <= shared ? layout.SharedCheckpoint(Step) : layout.OwnCheckpoint;
                Save(path, layout, experiment, Step, Position, model, chain);
                observer.Checkpointed(Step, path);
            }
        }
    }

    /// <summary>The run's own checkpoint, else the latest shared one on its prefix, else a fresh start.</summary>
    private static (long Step, DataPosition Position) Resume(RunLayout layout, Experiment experiment, VitModule model, OptimizerChain chain,
        ITrainingObserver observer, Func<string, long, bool>? mayResumeFrom)
    {
        var candidates = new List<string>();
        if (File.Exists(layout.OwnCheckpoint)) candidates.Add(layout.OwnCheckpoint);
        candidates.AddRange(layout.SharedCheckpointsUpTo(Lineage.SharedSteps(experiment)).Select(c => c.Path));
        foreach (var path in candidates)
        {
            try
            {
                if (mayResumeFrom is not null && !mayResumeFrom(path, Checkpoint.ReadHeader(path).Step)) continue;
                using var checkpoint = Checkpoint.Read(path);
                if (checkpoint.Header.Declaration != layout.LineageKey)
                    throw new InvalidDataException($"{path} belongs to another experiment");
                model.load_state_dict(checkpoint.Tensors.Where(t => t.Key.StartsWith(ModelPrefix))
                    .ToDictionary(t => t.Key[ModelPrefix.Length..], t => t.Value));
                chain.LoadStateDict(checkpoint.Tensors.Where(t => t.Key.StartsWith(OptimizerPrefix))
                    .ToDictionary(t => t.Key[OptimizerPrefix.Length..], t => t.Value));
                observer.Log($"resumed from {path} at step {checkpoint.Header.Step}");
                return (checkpoint.Header.Step, checkpoint.Header.Data);
            }
            catch (InvalidDataException e)
            {
                // A corrupt checkpoint is never used; an older one (or a fresh start) gives the same numbers.
                observer.Log($"skipping checkpoint {path}: {e.Message}");
            }
        }
        return (0, DataPosition.Start);
    }

    private static void Save(string path, RunLayout layout, Experiment experiment, long step, DataPosition position, VitModule model, OptimizerChain chain)
    {
        using var scope = NewDisposeScope();
        var tensors = model.state_dict().Select(t => KeyValuePair.Create(ModelPrefix + t.Key, t.Value))
            .Concat(chain.StateDict().Select(t => KeyValuePair.Create(OptimizerPrefix + t.Key, t.Value)));
        Checkpoint.Write(path, new CheckpointHeader(layout.LineageKey, step, experiment.Data.Seed, position), tensors);
    }

    /// <summary>The evaluation's metrics by their names.</summary>
    private static Dictionary<string, double> Named(Evaluation.Result evaluation)
    {
        var named = new Dictionary<string, double> { [MetricName.TestError] = evaluation.TestError, [MetricName.TestLoss] = evaluation.TestLoss };
        foreach (var (metric, error) in evaluation.FewShotError) named[metric.Name] = error;
        return named;
    }

    private static TrainingResult ReadResult(string path, Experiment experiment)
    {
        try
        {
            var result = JsonSerializer.Deserialize<TrainingResult>(File.ReadAllText(path), JsonOptions)
                         ?? throw new InvalidDataException($"{path} is empty; delete it to train the run again.");
            // Results written before few-shot targets keyed errors by shot count alone ("10"): the upstream's.
            var upstream = FewShot.TargetName(experiment.Data.Set);
            return result with
            {
                FewShotError = result.FewShotError.ToDictionary(
                    e => int.TryParse(e.Key, out var shots) ? new FewShotErrorName(upstream, shots).Name : e.Key, e => e.Value),
            };
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path} is damaged ({e.Message}); delete it to train the run again.", e);
        }
    }

    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    private sealed class NoObserver : ITrainingObserver;
}
