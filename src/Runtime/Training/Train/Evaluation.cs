using ViTDsl.Runtime.Data;
using ViTDsl.Runtime.Eval;
using ViTDsl.Runtime.Models;
using static TorchSharp.torch;

namespace ViTDsl.Runtime.Train;

/// <summary>
/// Test error and loss over the test set, and the declared few-shot probes (<see cref="Experiment.FewShot"/>) on the
/// frozen pre-logits features: the upstream data set's own split and each transfer target.
/// </summary>
internal static class Evaluation
{
    /// <param name="FewShotError">Mean error over the seeds per target and shot count.</param>
    /// <param name="ProbeSeconds">Seconds each target's probes took (reading its images, their features, the ridge fits).</param>
    public sealed record Result(double TestError, double TestLoss, IReadOnlyDictionary<FewShotErrorName, double> FewShotError,
        IReadOnlyDictionary<string, double> ProbeSeconds);

    /// <param name="withFewShot">Run the declared few-shot probes, or only test error and loss.</param>
    /// <param name="keepFeatures">
    /// Where to save the pre-logits features for later probes (the upstream's as <c>test/…</c> and <c>pool/…</c>, a
    /// transfer target's as <c>&lt;target&gt;/test/…</c> and <c>&lt;target&gt;/pool/…</c>); null: nowhere.
    /// </param>
    public static Result Run(VitModule model, Experiment experiment, DataPipeline data, TrainingOptions options, bool withFewShot = true, string? keepFeatures = null)
    {
        using var noGrad = no_grad();
        var classes = experiment.Model.Classifier.Classes;
        var testIndices = Enumerable.Range(0, Math.Min(options.TestImages ?? int.MaxValue, data.Source.Test.Count)).ToArray();
        var (testFeatures, testLabels, errors, lossSum) = (new List<Tensor>(), new List<Tensor>(), 0L, 0.0);
        // Exactly the batches of the first n test images: a batch made and then dropped would be a native tensor pair
        // that nothing disposes.
        foreach (var batch in data.TestImages(testIndices, options.EvaluationBatch))
        {
            using var _ = batch;
            using var scope = NewDisposeScope();
            var features = model.Features(batch.Images);
            var logits = model.Logits(features);
            errors += logits.argmax(1).ne(batch.Labels).sum().item<long>();
            lossSum += Losses.Of(experiment.Loss, logits, batch.Labels).item<float>() * batch.Count;
            testFeatures.Add(features.MoveToOuterDisposeScope());
            testLabels.Add(batch.Labels.clone().MoveToOuterDisposeScope());
        }
        var fewShot = new Dictionary<FewShotErrorName, double>();
        var probeSeconds = new Dictionary<string, double>();
        var kept = new Dictionary<string, Tensor>();
        using (var scope = NewDisposeScope())
        {
            var (upstreamX, upstreamY) = (cat(testFeatures, 0), cat(testLabels, 0));
            if (keepFeatures is not null) (kept["test/features"], kept["test/labels"]) = (upstreamX, upstreamY);
            if (withFewShot && options.FewShot is { } ridge && experiment.FewShot is { } declared)
                foreach (var target in declared.Targets(experiment.Data.Set))
                {
                    var clock = System.Diagnostics.Stopwatch.StartNew();
                    var name = FewShot.TargetName(target);
                    bool upstream = target.Equals(experiment.Data.Set);
                    var probed = upstream ? data : FewShotTargets.Pipeline(target, experiment);
                    int poolPerClass = Math.Max(options.FewShotPoolPerClass, declared.Shots.Max() + (ridge.LambdaGrid.Count > 0 ? ridge.HeldOutPerClass : 0));
                    var pool = Balanced(probed.Source.Train, poolPerClass * probed.Classes);
                    var (poolX, poolY) = Features(model, probed.TrainImages(pool, options.EvaluationBatch));
                    var (testX, testY) = upstream ? (upstreamX, upstreamY)
                        : Features(model, probed.TestImages(Balanced(probed.Source.Test, options.TestImages ?? int.MaxValue), options.EvaluationBatch));
                    var result = FewShotEvaluator.Evaluate(poolX, poolY, testX, testY, upstream ? classes : probed.Classes, declared, ridge);
                    foreach (var shots in result.PerShot) fewShot[new(name, shots.Shots)] = shots.MeanError;
                    probeSeconds[name] = clock.Elapsed.TotalSeconds;
                    if (keepFeatures is null) continue;
                    var prefix = upstream ? "" : name + "/";
                    (kept[prefix + "pool/features"], kept[prefix + "pool/labels"]) = (poolX, poolY);
                    if (!upstream) (kept[prefix + "test/features"], kept[prefix + "test/labels"]) = (testX, testY);
                }
            if (keepFeatures is not null)
                Checkpoints.Checkpoint.Write(keepFeatures, new Checkpoints.CheckpointHeader(Lineage.KeyOf(experiment), experiment.Steps, experiment.Data.Seed, default), kept);
        }
        foreach (var t in testFeatures.Concat(testLabels)) t.Dispose();
        return new Result((double)errors / testIndices.Length, lossSum / testIndices.Length, fewShot, probeSeconds);
    }

    /// <summary>The first <paramref name="count"/> images (at most all) of a fixed class-balanced order of <paramref name="set"/>.</summary>
    private static int[] Balanced(ImageSet set, long count) =>
        NestedSubset.Take(set.Labels, set.Classes, Math.Min(count, set.Count), seed: 7919);

    /// <summary>Pre-logits features and labels of every batch, concatenated (in the caller's dispose scope).</summary>
    private static (Tensor Features, Tensor Labels) Features(VitModule model, IEnumerable<Batch> batches)
    {
        var (features, labels) = (new List<Tensor>(), new List<Tensor>());
        foreach (var batch in batches)
        {
            using var _ = batch;
            features.Add(model.Features(batch.Images));
            labels.Add(batch.Labels.clone());
        }
        return (cat(features, 0), cat(labels, 0));
    }
}
