using TorchSharp;
using static TorchSharp.torch;

namespace ViTDsl.Runtime.Eval;

/// <summary>
/// A linear probe fitted in closed form on frozen features, exactly as big_vision's <c>fewshot_lsr</c>
/// (docs/reference.md §7): features whitened with the training mean and std (+1e-5), a constant feature 100 appended as
/// an almost unregularised bias (its penalty is λ/100²), targets 2·onehot − 1, ridge weights, argmax prediction.
/// </summary>
internal sealed class RidgeProbe : IDisposable
{
    /// <summary>The value of the appended bias feature; large so that λ barely shrinks the bias.</summary>
    public const double BiasFeature = 100;

    /// <summary>Added to the training std so a constant feature does not divide by zero.</summary>
    public const double StdEpsilon = 1e-5;

    private RidgeProbe(Tensor mean, Tensor std, Tensor weights, int classes, double lambda)
    {
        Mean = mean;
        Std = std;
        Weights = weights;
        Classes = classes;
        Lambda = lambda;
    }

    /// <summary>Training-feature mean [D] (float64).</summary>
    public Tensor Mean { get; }

    /// <summary>Training-feature std + 1e-5 [D] (float64).</summary>
    public Tensor Std { get; }

    /// <summary>Ridge weights [D + 1, K] (float64); the last row multiplies the bias feature.</summary>
    public Tensor Weights { get; }

    public int Classes { get; }
    public double Lambda { get; }

    /// <summary>Fits a probe on <paramref name="features"/> [N, D] with integer <paramref name="labels"/> [N] in [0, classes).</summary>
    public static RidgeProbe Fit(Tensor features, Tensor labels, int classes, double lambda = FewShotSettings.PaperLambda,
        RidgeSolver.Form form = RidgeSolver.Form.Auto)
    {
        if (features.dim() != 2)
            throw new ArgumentException($"Features must be [N, D]; got {features.dim()} dimensions. Flatten or pool them first.", nameof(features));
        if (labels.dim() != 1 || labels.shape[0] != features.shape[0])
            throw new ArgumentException($"Labels must be [N] with N = {features.shape[0]} (one per feature row); got [{string.Join(", ", labels.shape)}].", nameof(labels));
        if (classes < 2)
            throw new ArgumentOutOfRangeException(nameof(classes), classes, "A probe needs at least 2 classes.");
        using var scope = NewDisposeScope();
        var longLabels = labels.to_type(ScalarType.Int64);
        if (longLabels.numel() > 0 && (longLabels.min().item<long>() < 0 || longLabels.max().item<long>() >= classes))
            throw new ArgumentException(
                $"Labels must lie in [0, {classes}); found {longLabels.min().item<long>()} … {longLabels.max().item<long>()}. Pass the right class count.", nameof(labels));
        var x = features.to_type(ScalarType.Float64);
        var mean = x.mean([0]);
        // Population std (ddof 0), as numpy's default in big_vision.
        using Scalar stdEpsilon = StdEpsilon, two = 2.0; // owned: see Scalars
        var std = x.std(0, unbiased: false).add_(stdEpsilon, Scalars.One);
        var design = Design(x, mean, std);
        var y = nn.functional.one_hot(longLabels, classes).to_type(ScalarType.Float64).mul_(two).sub_(Scalars.One); // 2·onehot − 1
        var w = RidgeSolver.Solve(design, y, lambda, form);
        return new RidgeProbe(mean.MoveToOuterDisposeScope(), std.MoveToOuterDisposeScope(), w.MoveToOuterDisposeScope(), classes, lambda);
    }

    /// <summary>Whitened features with the bias column: the matrix X the ridge solves for.</summary>
    public Tensor DesignOf(Tensor features) => Design(features.to_type(ScalarType.Float64), Mean, Std);

    /// <summary>Scores X·W [N, K] for <paramref name="features"/> [N, D].</summary>
    public Tensor Scores(Tensor features)
    {
        using var scope = NewDisposeScope();
        return DesignOf(features).matmul(Weights).MoveToOuterDisposeScope();
    }

    /// <summary>Predicted classes [N].</summary>
    public Tensor Predict(Tensor features)
    {
        using var scope = NewDisposeScope();
        return Scores(features).argmax(1).MoveToOuterDisposeScope();
    }

    /// <summary>Fraction of <paramref name="labels"/> predicted correctly.</summary>
    public double Accuracy(Tensor features, Tensor labels)
    {
        using var scope = NewDisposeScope();
        return Predict(features).eq(labels.to_type(ScalarType.Int64)).to_type(ScalarType.Float64).mean().item<double>();
    }

    private static Tensor Design(Tensor x, Tensor mean, Tensor std)
    {
        var whitened = (x - mean) / std;
        using Scalar bias = BiasFeature; // owned: see Scalars
        return cat([whitened, full(x.shape[0], 1, bias, dtype: ScalarType.Float64, device: x.device)], 1);
    }

    public void Dispose()
    {
        Mean.Dispose();
        Std.Dispose();
        Weights.Dispose();
    }
}
