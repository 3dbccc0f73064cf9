using static TorchSharp.torch;

namespace ViTDsl.Runtime.Optim;

/// <summary>Global-norm gradient clipping as optax <c>clip_by_global_norm</c>.</summary>
public static class GlobalNorm
{
    /// <summary>√(Σ over tensors of Σ g²), in float32.</summary>
    public static Tensor Of(IReadOnlyList<Tensor> gradients)
    {
        using var scope = NewDisposeScope();
        var sum = stack(gradients.Select(g => g.square().sum()).ToArray()).sum();
        return sum.sqrt().MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Gradients unchanged when their global norm is below <paramref name="maxNorm"/>, otherwise each divided by the
    /// norm and multiplied by <paramref name="maxNorm"/> (so the result has norm exactly maxNorm).
    /// </summary>
    public static IReadOnlyList<Tensor> Clip(IReadOnlyList<Tensor> gradients, double norm, double maxNorm) =>
        norm < maxNorm ? gradients : gradients.Select(g => g.div(norm).mul_(maxNorm)).ToList();
}
