using TorchSharp;
using static TorchSharp.torch;

namespace ViTDsl.Runtime.Eval;

/// <summary>
/// Closed-form ridge regression W = (XᵀX + λI)⁻¹XᵀY, or its dual Xᵀ(XXᵀ + λI)⁻¹Y when there are more features than
/// examples (docs/reference.md §7). Both are the same matrix; the dual solves an N×N system instead of a D×D one, which is
/// what makes 1-shot probes on 1664-wide ViT-G features cheap.
/// </summary>
internal static class RidgeSolver
{
    /// <summary>Which system to solve.</summary>
    public enum Form
    {
        /// <summary>Primal when D ≤ N, dual otherwise (big_vision's choice).</summary>
        Auto,
        /// <summary>(XᵀX + λI)⁻¹XᵀY: a D×D system.</summary>
        Primal,
        /// <summary>Xᵀ(XXᵀ + λI)⁻¹Y: an N×N system.</summary>
        Dual,
    }

    /// <summary>Ridge weights [D, K] for design <paramref name="x"/> [N, D] and targets <paramref name="y"/> [N, K], in float64.</summary>
    public static Tensor Solve(Tensor x, Tensor y, double lambda, Form form = Form.Auto)
    {
        if (!(lambda > 0) || !double.IsFinite(lambda))
            throw new ArgumentOutOfRangeException(nameof(lambda), lambda, "Ridge λ must be a positive finite number (the paper uses 2^10 = 1024).");
        if (x.dim() != 2 || y.dim() != 2 || x.shape[0] != y.shape[0])
            throw new ArgumentException($"Ridge needs X [N, D] and Y [N, K] with equal N; got X {Shape(x)} and Y {Shape(y)}.");
        using var scope = NewDisposeScope();
        var xd = x.to_type(ScalarType.Float64);
        var yd = y.to_type(ScalarType.Float64);
        long n = xd.shape[0], d = xd.shape[1];
        bool dual = form == Form.Dual || (form == Form.Auto && d > n);
        using Scalar penalty = lambda; // owned: see Scalars
        Tensor Regularised(Tensor gram) => gram.add(eye(gram.shape[0], dtype: ScalarType.Float64, device: xd.device), penalty); // gram + λI
        Tensor w = dual
            ? xd.t().matmul(linalg.solve(Regularised(xd.matmul(xd.t())), yd))
            : linalg.solve(Regularised(xd.t().matmul(xd)), xd.t().matmul(yd));
        return w.MoveToOuterDisposeScope();
    }

    private static string Shape(Tensor t) => "[" + string.Join(", ", t.shape) + "]";
}
