using TorchSharp;
using static TorchSharp.torch;

namespace ViTDsl.Runtime.Optim;

/// <summary>Global-norm gradient clipping as optax <c>clip_by_global_norm</c>.</summary>
internal static class GlobalNorm
{
    /// <summary>√(Σ over tensors of ‖g‖²), accumulated in float64 from per-tensor float32 norms (no temporaries).</summary>
    public static double Of(IReadOnlyList<Tensor> gradients)
    {
        using var scope = NewDisposeScope();
        var sum = gradients.Select(g => g.norm().to_type(ScalarType.Float64).pow(Scalars.Two)).Aggregate((a, b) => a.add(b, Scalars.One));
        return Math.Sqrt(sum.item<double>());
    }

    /// <summary>
    /// Leaves the gradients unchanged when their global norm is below <paramref name="maxNorm"/>, otherwise divides
    /// each by the norm and multiplies it by <paramref name="maxNorm"/> in place (as torch's <c>clip_grad_norm_</c>).
    /// </summary>
    public static void ClipInPlace(IReadOnlyList<Tensor> gradients, double norm, double maxNorm)
    {
        if (norm < maxNorm) return;
        using Scalar by = norm, times = maxNorm;
        foreach (var g in gradients) g.div_(by).mul_(times);
    }
}
