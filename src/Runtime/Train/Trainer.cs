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
        var experiment = generated.Declaration;
        var problems = ExperimentRules.Check(experiment);
        if (problems.Count > 0)
            throw new ArgumentException($"{generated.Name} cannot be trained: " + string.Join(" ", problems.Select(p => $"[{p.Id}] {p.Message}")));
        var layout = new RunLayout(options.Root, experiment);
        if (File.Exists(layout.Result)) return ReadResult(layout.Result, experiment);
        layout.Create();
        observer ??= new NoObserver();
        if (options.Threads is int threads) set_num_threads(threads);

        var clock = Stopwatch.StartNew();
        manual_seed(experiment.Data.Seed);
        using var model = generated.CreateModel(null);
        using var chain = OptimizerChain.For(experiment, model);
        var data = options.Data?.Invoke(experiment) ?? DataPipeline.Load(experiment);
        var (step, position) = Resume(layout, experiment, model, chain, observer, options.MayResumeFrom);
        if (step == 0 && experiment.StartFrom is { } upstream)
        {
            FineTuneStart.Load(model, upstream, options.Root);
            observer.Log($"fine-tuning from the final weights of the {upstream.Model.Variant} run of {upstream.Steps} steps");
        }
        var loadSeconds = clock.Elapsed.TotalSeconds;

        long total = experiment.Steps, shared = Lineage.SharedSteps(experiment);
        var evaluateAt = new HashSet<long>((options.Evaluations ?? experiment.Evaluations).PeriodicSteps(total));
        observer.Started(generated.Name, step, total);
        using var metrics = MetricsFile.Open(layout.Metrics);
        using var batches = data.Batches(position);
        var training = Stopwatch.StartNew();
        var periodic = new Stopwatch();
        var window = Stopwatch.StartNew();
        long windowImages = 0;
        double lastLoss = double.NaN;
        long startStep = step;
        while (step < total)
        {
            if (cancellation.IsCancellationRequested)
            {
                // Stopping is not losing: keep everything up to this step.
                var path = step <= shared ? layout.SharedCheckpoint(step) : layout.OwnCheckpoint;
                if (step > startStep) Save(path, layout, experiment, step, position, model, chain);
                cancellation.ThrowIfCancellationRequested();
            }
            using (var scope = NewDisposeScope())
            {
                using var batch = batches.Next();
                var loss = Losses.Of(experiment.Loss, model.forward(batch.Images), batch.Labels);
                chain.ZeroGrad();
                loss.backward();
                chain.Step(experiment.Schedule.Multiplier(step, total));
                lastLoss = loss.item<float>();
                windowImages += batch.Count;
                position = batch.End;
            }
            step++;
            if (step % options.LogEvery == 0 || step == total)
            {
                var rate = windowImages / Math.Max(window.Elapsed.TotalSeconds, 1e-9);
                metrics.Append(step, MetricName.TrainLoss, lastLoss);
                observer.Stepped(step, lastLoss, rate);
                (windowImages, window) = (0, Stopwatch.StartNew());
            }
            if (evaluateAt.Contains(step))
            {
                // Periodic evaluations trace the learning curve (test error and loss); the few-shot probes, whose cost is
                // in the seconds per target, run at the final evaluation only.
                periodic.Start();
                var during = Named(Evaluation.Run(model, experiment, data, options, withFewShot: false));
                periodic.Stop();
                metrics.Append(during.Select(m => new MetricRecord(step, m.Key, m.Value)));
                observer.Evaluated(step, during);
            }
            bool onPrefix = step <= shared;
            if (step == shared || (options.CheckpointEvery > 0 && step % options.CheckpointEvery == 0 && step < total))
            {
                var path = onPrefix ? layout.SharedCheckpoint(step) : layout.OwnCheckpoint;
                Save(path, layout, experiment, step, position, model, chain);
                observer.Checkpointed(step, path);
            }
        }
        var trainSeconds = (training.Elapsed - periodic.Elapsed).TotalSeconds;

        var evaluating = Stopwatch.StartNew();
        var evaluation = Evaluation.Run(model, experiment, data, options, keepFeatures: layout.Features);
        var evaluated = Named(evaluation);
        metrics.Append(evaluated.Select(m => new MetricRecord(total, m.Key, m.Value)));
        observer.Evaluated(total, evaluated);

        var imagesSeen = total * experiment.Data.Batch;
        var result = new TrainingResult(generated.Name, experiment.Model.Variant, generated.Facts.TotalParameters, total, imagesSeen,
            TrainingCompute.Of(experiment, imagesSeen).Flops, evaluation.TestError, evaluation.TestLoss, lastLoss)
        {
            FewShotError = evaluation.FewShotError.ToDictionary(e => e.Key.Name, e => e.Value),
            FewShotSeconds = evaluation.ProbeSeconds,
            ResumedFrom = startStep,
            LoadSeconds = loadSeconds,
            TrainSeconds = trainSeconds,
            EvaluateSeconds = evaluating.Elapsed.TotalSeconds,
            PeriodicEvaluateSeconds = periodic.Elapsed.TotalSeconds,
            TrainedFlops = TrainingCompute.Of(experiment, (total - startStep) * experiment.Data.Batch).Flops,
        };
        // Final weights before the result: a finished run always has them, for fine-tunes that start from it.
        using (var scope = NewDisposeScope())
            Checkpoint.Write(layout.FinalWeights, new CheckpointHeader(layout.LineageKey, total, experiment.Data.Seed, position), model.state_dict());
        DurableFile.WriteAtomically(layout.Result, stream => JsonSerializer.Serialize(stream, result, JsonOptions));
        if (File.Exists(layout.OwnCheckpoint)) File.Delete(layout.OwnCheckpoint); // the result supersedes it
        return result;
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
