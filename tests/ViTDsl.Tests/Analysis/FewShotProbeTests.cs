using MathNet.Numerics.LinearAlgebra;
using ViTDsl.Runtime.Eval;
using static TorchSharp.torch;

namespace ViTDsl.Tests.Analysis;

public class FewShotProbeTests
{
    /// <summary>Gaussian clusters around far-apart class means: linearly separable with a wide margin.</summary>
    private static (Tensor x, Tensor y) Clusters(int classes, int perClass, int dim, double spread, int seed, int[]? counts = null)
    {
        var rng = new Random(seed);
        var means = new Random(99); // the same class means for train and test
        var centres = Enumerable.Range(0, classes).Select(_ => Enumerable.Range(0, dim).Select(_ => 10 * (means.NextDouble() - 0.5)).ToArray()).ToArray();
        var rows = new List<float>();
        var labels = new List<long>();
        for (int c = 0; c < classes; c++)
            for (int i = 0; i < (counts?[c] ?? perClass); i++)
            {
                rows.AddRange(centres[c].Select(m => (float)(m + spread * (rng.NextDouble() - 0.5))));
                labels.Add(c);
            }
        return (tensor(rows.ToArray(), [labels.Count, dim]), tensor(labels.ToArray()));
    }

    [Fact]
    public void Probe_is_perfect_on_linearly_separable_features_at_every_shot()
    {
        var (trainX, trainY) = Clusters(classes: 10, perClass: 30, dim: 32, spread: 0.5, seed: 1);
        var (testX, testY) = Clusters(classes: 10, perClass: 20, dim: 32, spread: 0.5, seed: 2);
        var result = FewShotEvaluator.Evaluate(trainX, trainY, testX, testY, classes: 10);
        Assert.Equal([1, 5, 10, 25], result.PerShot.Select(r => r.Shots));
        Assert.All(result.PerShot, r =>
        {
            Assert.Equal(3, r.Accuracies.Count);
            Assert.All(r.Accuracies, a => Assert.Equal(1.0, a));
            Assert.Equal(0.0, r.StdAccuracy);
        });
    }

    [Fact]
    public void Probe_is_at_chance_on_random_labels()
    {
        // The check that the probe is not peeking at test labels: shuffled labels leave nothing to learn.
        var (trainX, _) = Clusters(classes: 4, perClass: 50, dim: 8, spread: 0.5, seed: 1);
        var (testX, testY) = Clusters(classes: 4, perClass: 250, dim: 8, spread: 0.5, seed: 2);
        var noise = tensor(Enumerable.Range(0, 200).Select(i => (long)(new Random(i * 7919).Next(4))).ToArray());
        var r = FewShotEvaluator.Evaluate(trainX, noise, testX, testY, 4, new FewShot { Shots = ValueList.Of(25), Seeds = 3 });
        Assert.InRange(r[25].MeanAccuracy, 0.1, 0.45);
    }

    /// <summary>The same ridge solved independently with MathNet from the normal equations (whitening done by hand).</summary>
    private static Matrix<double> MathNetRidge(float[,] features, long[] labels, int classes, double lambda)
    {
        int n = features.GetLength(0), d = features.GetLength(1);
        var x = Matrix<double>.Build.Dense(n, d + 1);
        for (int j = 0; j < d; j++)
        {
            double mean = 0;
            for (int i = 0; i < n; i++) mean += features[i, j];
            mean /= n;
            double v = 0;
            for (int i = 0; i < n; i++) v += (features[i, j] - mean) * (features[i, j] - mean);
            double std = Math.Sqrt(v / n) + 1e-5;
            for (int i = 0; i < n; i++) x[i, j] = (features[i, j] - mean) / std;
        }
        for (int i = 0; i < n; i++) x[i, d] = 100;
        var y = Matrix<double>.Build.Dense(n, classes, (i, c) => labels[i] == c ? 1 : -1);
        return (x.TransposeThisAndMultiply(x) + lambda * Matrix<double>.Build.DenseIdentity(d + 1)).Solve(x.TransposeThisAndMultiply(y));
    }

    private static double[,] Weights(RidgeProbe probe) => probe.Weights.data<double>().ToArray() is var flat
        ? Enumerable.Range(0, (int)probe.Weights.shape[0]).Aggregate(new double[probe.Weights.shape[0], probe.Weights.shape[1]], (m, i) =>
        {
            for (int j = 0; j < m.GetLength(1); j++) m[i, j] = flat[i * m.GetLength(1) + j];
            return m;
        })
        : throw new InvalidOperationException();

    [Theory]
    [InlineData(40, 6, RidgeSolver.Form.Primal)] // N > D
    [InlineData(12, 30, RidgeSolver.Form.Dual)]  // D > N: the dual form must give the primal's matrix
    [InlineData(12, 30, RidgeSolver.Form.Auto)]
    internal void Probe_weights_equal_the_normal_equation_solution(int n, int d, RidgeSolver.Form form)
    {
        var rng = new Random(n * 31 + d);
        var f = new float[n, d];
        for (int i = 0; i < n; i++) for (int j = 0; j < d; j++) f[i, j] = (float)(rng.NextDouble() * 4 - 1 + j);
        var labels = Enumerable.Range(0, n).Select(i => (long)(i % 3)).ToArray();
        using var probe = RidgeProbe.Fit(from_array(f), tensor(labels), 3, 1024, form);
        var expected = MathNetRidge(f, labels, 3, 1024);
        var got = Weights(probe);
        for (int i = 0; i <= d; i++)
            for (int c = 0; c < 3; c++)
                Assert.Equal(expected[i, c], got[i, c], 1e-9 * Math.Max(1, Math.Abs(expected[i, c])));
    }

    [Fact]
    public void As_lambda_grows_the_probe_tends_to_the_bias_only_predictor()
    {
        // Unbalanced classes (60/30/10). The bias feature 100 is penalised only λ/100², so for 1 ≪ λ ≪ 100²·N the
        // feature weights vanish while the bias survives: the scores approach those of a ridge on the bias column
        // alone, (100²/(100²N + λ))·Σy, and every test point is assigned the majority class.
        var (x, y) = Clusters(3, 0, 5, 4.0, 3, counts: [60, 30, 10]);
        var (testX, _) = Clusters(3, 20, 5, 4.0, 4);
        int n = 100;
        double previous = double.PositiveInfinity;
        foreach (var lambda in new[] { 1.0, 64, 1024, 16384, 262144 })
        {
            using var probe = RidgeProbe.Fit(x, y, 3, lambda);
            var scores = probe.Scores(testX);
            // Bias-only ridge: W_b = 100·Σy / (100²·n + λ), score = 100·W_b, the same for every example.
            var sumY = new[] { 60 - 40, 30 - 70, 10 - 90 };
            var biasOnly = tensor(sumY.Select(s => 100 * 100.0 * s / (100 * 100.0 * n + lambda)).ToArray());
            double gap = (scores - biasOnly).abs().max().item<double>();
            Assert.True(gap < previous, $"λ = {lambda}: distance to the bias-only predictor {gap} did not shrink (was {previous})");
            previous = gap;
            if (lambda >= 16384) Assert.True(probe.Predict(testX).eq(0).all().item<bool>(), $"λ = {lambda} should predict the majority class only");
        }
        Assert.True(previous < 0.05, $"at λ = 2^18 the scores are still {previous} from bias-only");
    }

    [Fact]
    public void Shots_extend_smaller_shots_and_respect_classes()
    {
        long[] labels = Enumerable.Range(0, 100).Select(i => (long)(i % 4)).ToArray();
        var (one, _) = ShotSampler.Sample(labels, 4, 1, seed: 5);
        var (five, extra) = ShotSampler.Sample(labels, 4, 5, seed: 5, extraPerClass: 2);
        Assert.Equal(4, one.Length);
        Assert.Equal(20, five.Length);
        Assert.Subset(five.ToHashSet(), one.ToHashSet());
        Assert.All(Enumerable.Range(0, 4), c => Assert.Equal(5, five.Count(i => labels[i] == c)));
        Assert.Empty(five.Intersect(extra));
        Assert.Equal(8, extra.Length);
        var e = Assert.Throws<ArgumentException>(() => ShotSampler.Sample(labels, 4, 30, seed: 0));
        Assert.Contains("Class 0 has only 25", e.Message);
        var bad = Assert.Throws<ArgumentException>(() => RidgeProbe.Fit(zeros(3, 2), tensor(new long[] { 0, 1, 5 }), 3));
        Assert.Contains("Labels must lie in [0, 3)", bad.Message);
    }

    [Fact]
    public void Lambda_selection_uses_held_out_training_examples()
    {
        var (trainX, trainY) = Clusters(classes: 5, perClass: 40, dim: 16, spread: 6, seed: 1);
        var (testX, testY) = Clusters(classes: 5, perClass: 40, dim: 16, spread: 6, seed: 2);
        var settings = new FewShotSettings { LambdaGrid = FewShotSettings.PowersOfTwoGrid, HeldOutPerClass = 10 };
        var r = FewShotEvaluator.Evaluate(trainX, trainY, testX, testY, 5, new FewShot { Shots = ValueList.Of(10), Seeds = 2 }, settings);
        Assert.All(r[10].Lambdas, l => Assert.Contains(l, FewShotSettings.PowersOfTwoGrid));
        Assert.InRange(r[10].MeanAccuracy, 0.5, 1.0);
    }
}
