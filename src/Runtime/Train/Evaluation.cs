using ViTDsl.Runtime.Data;
using ViTDsl.Runtime.Eval;
using ViTDsl.Runtime.Models;
using static TorchSharp.torch;

namespace ViTDsl.Runtime.Train;

/// <summary>Test error and loss over the test set, and few-shot linear probes on the pre-logits features.</summary>
public static class Evaluation
{
    public sealed record Result(double TestError, double TestLoss, IReadOnlyDictionary<int, double> FewShotError);

    /// <param name="withFewShot">Run the few-shot probes (the final evaluation) or only test error and loss (periodic ones).</param>
    /// <param name="keepFeatures">Where to save the pre-logits features (test set and few-shot pool) for later probes; null: nowhere.</param>
    public static Result Run(VitModule model, Experiment experiment, DataPipeline data, TrainingOptions options, bool withFewShot = true, string? keepFeatures = null)
    {
        using var noGrad = no_grad();
        var classes = experiment.Model.Classifier.Classes;
        var testIndices = Enumerable.Range(0, Math.Min(options.TestImages ?? int.MaxValue, data.Source.Test.Count)).ToArray();
        var (testFeatures, testLabels, errors, lossSum) = (new List<Tensor>(), new List<Tensor>(), 0L, 0.0);
        foreach (var batch in data.TestBatches(options.EvaluationBatch).TakeWhile(b => b.Start.Index < testIndices.Length))
        {
            using var _ = batch;
            using var scope = NewDisposeScope();
            var keep = (int)Math.Min(batch.Count, testIndices.Length - batch.Start.Index);
            var images = batch.Images.narrow(0, 0, keep);
            var labels = batch.Labels.narrow(0, 0, keep);
            var features = model.Features(images);
            var logits = model.Logits(features);
            errors += logits.argmax(1).ne(labels).sum().item<long>();
            lossSum += Losses.Of(experiment.Loss, logits, labels).item<float>() * keep;
            testFeatures.Add(features.MoveToOuterDisposeScope());
            testLabels.Add(labels.clone().MoveToOuterDisposeScope());
        }
        var fewShot = new Dictionary<int, double>();
        var kept = new Dictionary<string, Tensor>();
        if (keepFeatures is not null)
        {
            kept["test/features"] = cat(testFeatures, 0);
            kept["test/labels"] = cat(testLabels, 0);
        }
        if (withFewShot && options.FewShot is { } settings)
        {
            var pool = NestedSubset.Take(data.Source.Train.Labels, data.Source.Train.Classes,
                Math.Min((long)options.FewShotPoolPerClass * data.Source.Train.Classes, data.Source.Train.Count), seed: 7919);
            var (poolFeatures, poolLabels) = (new List<Tensor>(), new List<Tensor>());
            foreach (var batch in data.TrainImages(pool, options.EvaluationBatch))
            {
                using var _ = batch;
                poolFeatures.Add(model.Features(batch.Images));
                poolLabels.Add(batch.Labels.clone());
            }
            using var scope = NewDisposeScope();
            var (poolX, poolY) = (cat(poolFeatures, 0), cat(poolLabels, 0));
            var result = FewShotEvaluator.Evaluate(poolX, poolY, cat(testFeatures, 0), cat(testLabels, 0), classes, settings);
            if (keepFeatures is not null)
            {
                kept["pool/features"] = poolX.MoveToOuterDisposeScope();
                kept["pool/labels"] = poolY.MoveToOuterDisposeScope();
            }
            foreach (var (shots, error) in result.MeanErrors) fewShot[shots] = error;
            foreach (var t in poolFeatures.Concat(poolLabels)) t.Dispose();
        }
        foreach (var t in testFeatures.Concat(testLabels)) t.Dispose();
        if (keepFeatures is not null)
        {
            Checkpoints.Checkpoint.Write(keepFeatures, new Checkpoints.CheckpointHeader(Lineage.KeyOf(experiment), experiment.Steps, experiment.Data.Seed, default), kept);
            foreach (var t in kept.Values) t.Dispose();
        }
        return new Result((double)errors / testIndices.Length, lossSum / testIndices.Length, fewShot);
    }
}
