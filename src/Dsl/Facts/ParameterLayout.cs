using System.Collections.Generic;
using System.Linq;

namespace ViTDsl;

/// <summary>
/// How big_vision holds a parameter that TorchSharp stores differently (docs/reference.md §2). The torch tensor, viewed
/// as <see cref="View"/> (a reshape of its contiguous storage) and then permuted by <see cref="Permutation"/>, is
/// big_vision's array: both steps are views, so an optimizer can work on big_vision's shape without copying.
/// Big_vision's shape matters because optax's Adafactor decides which axes to factor from it: a q/k/v kernel is
/// (D, heads, D/heads) there, not one D×D matrix.
/// </summary>
/// <param name="View">The torch tensor's shape regrouped (same element order), e.g. [h, D/h, D] for a torch [D, D] query kernel.</param>
/// <param name="Permutation">Axis <c>i</c> of the big_vision shape is axis <c>Permutation[i]</c> of <see cref="View"/>.</param>
public sealed record ParameterLayout(ValueList<long> View, ValueList<int> Permutation)
{
    /// <summary>The shape big_vision gives this parameter.</summary>
    public ValueList<long> BigVision => new(Permutation.Select(axis => View[axis]));

    /// <summary>The inverse permutation: axis <c>j</c> of <see cref="View"/> is axis <c>Inverse[j]</c> of <see cref="BigVision"/>.</summary>
    public ValueList<int> Inverse
    {
        get
        {
            var inverse = new int[Permutation.Count];
            for (var i = 0; i < Permutation.Count; i++) inverse[Permutation[i]] = i;
            return new(inverse);
        }
    }

    /// <summary>Whether big_vision's array is the torch tensor as it is.</summary>
    public bool IsIdentity => Permutation.Select((axis, i) => axis == i).All(same => same);

    /// <summary>A parameter big_vision holds exactly as torch does (biases, norms, position embedding, probe).</summary>
    public static ParameterLayout Identity(IReadOnlyList<long> dims) => new(new(dims), new(Enumerable.Range(0, dims.Count)));

    /// <summary>A dense kernel: torch [out, in], big_vision (in, out).</summary>
    public static ParameterLayout DenseKernel(long inputs, long outputs) => new(ValueList.Of(outputs, inputs), ValueList.Of(1, 0));

    /// <summary>
    /// A query/key/value kernel: torch [D, D] with head-major output rows (how <c>Attention</c> splits heads),
    /// big_vision (D, heads, D/heads).
    /// </summary>
    public static ParameterLayout HeadsOutKernel(long width, long heads) => new(ValueList.Of(heads, width / heads, width), ValueList.Of(2, 0, 1));

    /// <summary>A query/key/value bias: torch [D], big_vision (heads, D/heads).</summary>
    public static ParameterLayout HeadsBias(long width, long heads) => new(ValueList.Of(heads, width / heads), ValueList.Of(0, 1));

    /// <summary>The attention output kernel: torch [D, D] with head-major input columns, big_vision (heads, D/heads, D).</summary>
    public static ParameterLayout HeadsInKernel(long width, long heads) => new(ValueList.Of(width, heads, width / heads), ValueList.Of(1, 2, 0));

    /// <summary>The patch-embedding convolution: torch [D, C, p, p], big_vision (p, p, C, D).</summary>
    public static ParameterLayout PatchKernel(long width, long channels, long patch) =>
        new(ValueList.Of(width, channels, patch, patch), ValueList.Of(2, 3, 1, 0));
}
