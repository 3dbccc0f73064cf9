using static TorchSharp.torch;

namespace ViTDsl.Runtime.Eval;

/// <summary>
/// Few-shot linear evaluation of frozen features (docs/reference.md §7): for each shot count and seed, sample k examples
/// per class from the training pool, fit a <see cref="RidgeProbe"/>, and score it on the test set.
/// </summary>
internal static class FewShotEvaluator
{
    /// <summary>
    /// Evaluates pre-logits features (e.g. <c>VitModule.Features(images)</c>, any float dtype) with integer labels.
    /// </summary>
    /// <param name="trainFeatures">Training pool [N, D] the shots are drawn from.</param>
    /// <param name="trainLabels">Its labels [N] in [0, classes).</param>
    /// <param name="testFeatures">Evaluation features [M, D].</param>
    /// <param name="testLabels">Their labels [M].</param>
    /// <param name="classes">Number of classes.</param>
    /// <param name="probes">Shots and seeds (its targets are the caller's business); the paper's 1/5/10/25 shots, 3 seeds when null.</param>
    /// <param name="settings">λ; the paper's when null.</param>
    public static FewShotResult Evaluate(Tensor trainFeatures, Tensor trainLabels, Tensor testFeatures, Tensor testLabels,
        int classes, FewShot? probes = null, FewShotSettings? settings = null)
    {
        probes ??= new FewShot();
        settings ??= FewShotSettings.Paper;
        if (probes.Seeds < 1) throw new ArgumentException($"Few-shot needs at least one seed (got {probes.Seeds}).", nameof(probes));
        if (trainFeatures.dim() != 2 || testFeatures.dim() != 2 || trainFeatures.shape[1] != testFeatures.shape[1])
            throw new ArgumentException(
                $"Train and test features must be [N, D] with the same D; got [{string.Join(", ", trainFeatures.shape)}] and [{string.Join(", ", testFeatures.shape)}].");
        var labels = trainLabels.to_type(ScalarType.Int64).cpu().data<long>().ToArray();
        bool select = settings.LambdaGrid.Count > 0;
        var results = new List<ShotResult>();
        foreach (var shots in probes.Shots)
        {
            var accuracies = new List<double>();
            var lambdas = new List<double>();
            for (int seed = 0; seed < probes.Seeds; seed++)
            {
                using var scope = NewDisposeScope();
                var (chosen, extra) = ShotSampler.Sample(labels, classes, shots, seed, select ? settings.HeldOutPerClass : 0);
                var index = tensor(chosen, device: trainFeatures.device);
                var x = trainFeatures.index_select(0, index);
                var y = trainLabels.index_select(0, index);
                double lambda = settings.Lambda;
                if (select)
                {
                    var held = tensor(extra, device: trainFeatures.device);
                    lambda = SelectLambda(x, y, trainFeatures.index_select(0, held), trainLabels.index_select(0, held), classes, settings.LambdaGrid);
                }
                using var probe = RidgeProbe.Fit(x, y, classes, lambda);
                accuracies.Add(probe.Accuracy(testFeatures, testLabels));
                lambdas.Add(lambda);
            }
            results.Add(new ShotResult(shots, accuracies, lambdas));
        }
        return new FewShotResult(results);
    }

    /// <summary>The grid λ whose probe is most accurate on the held-out examples; ties go to the larger λ (the simpler probe).</summary>
    public static double SelectLambda(Tensor x, Tensor y, Tensor heldX, Tensor heldY, int classes, IReadOnlyList<double> grid)
    {
        double best = double.NaN, bestAccuracy = double.NegativeInfinity;
        foreach (var lambda in grid.OrderByDescending(l => l))
        {
            using var probe = RidgeProbe.Fit(x, y, classes, lambda);
            double accuracy = probe.Accuracy(heldX, heldY);
            if (accuracy > bestAccuracy) (best, bestAccuracy) = (lambda, accuracy);
        }
        return best;
    }

    /// <summary>Convenience for plain arrays: features [N][D] (rows), labels [N].</summary>
    public static FewShotResult Evaluate(float[][] trainFeatures, long[] trainLabels, float[][] testFeatures, long[] testLabels,
        int classes, FewShot? probes = null, FewShotSettings? settings = null)
    {
        using var scope = NewDisposeScope();
        return Evaluate(Rows(trainFeatures), tensor(trainLabels), Rows(testFeatures), tensor(testLabels), classes, probes, settings);
    }

    private static Tensor Rows(float[][] rows)
    {
        if (rows.Length == 0) throw new ArgumentException("Feature array is empty.", nameof(rows));
        int d = rows[0].Length;
        var flat = new float[rows.Length * d];
        for (int i = 0; i < rows.Length; i++)
        {
            if (rows[i].Length != d) throw new ArgumentException($"Row {i} has {rows[i].Length} features, row 0 has {d}; all rows need the same width.", nameof(rows));
            Array.Copy(rows[i], 0, flat, i * d, d);
        }
        return tensor(flat, [rows.Length, d]);
    }
}
