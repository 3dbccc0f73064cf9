using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ViTDsl.Runtime.Layers;

/// <summary>
/// Matrix products in a model's <see cref="Precision"/> (big_vision's <c>dtype_mm</c>): under bf16 the input and the
/// float32 master weights are cast to bfloat16 for the product, and the result is bfloat16. Autograd casts the
/// gradients back, so parameters, gradients and optimizer state stay float32.
/// </summary>
public static class MatrixProducts
{
    /// <summary>The torch type products run in.</summary>
    public static ScalarType DtypeOf(Precision precision) => precision switch
    {
        Precision.Fp32 => ScalarType.Float32,
        Precision.Bf16 => ScalarType.BFloat16,
        _ => throw new ArgumentOutOfRangeException(nameof(precision), precision, "Precision is Fp32 or Bf16."),
    };

    /// <summary>
    /// x·Wᵀ + b for one or more dense layers that share their input, as one product whose outputs are the layers' outputs
    /// side by side (q, k and v of self-attention). Each weight is cast once, before the concatenation.
    /// </summary>
    public static Tensor Dense(Tensor x, IReadOnlyList<Linear> layers, Precision precision)
    {
        if (layers.Count == 1) return Dense(x, layers[0].weight!, layers[0].bias, precision);
        using var scope = NewDisposeScope();
        var weight = cat(layers.Select(l => In(l.weight!, precision)).ToArray());
        var bias = cat(layers.Select(l => In(l.bias!, precision)).ToArray());
        return nn.functional.linear(In(x, precision), weight, bias).MoveToOuterDisposeScope();
    }

    /// <summary>x·Wᵀ + b in <paramref name="precision"/>; the result is in that precision.</summary>
    public static Tensor Dense(Tensor x, Tensor weight, Tensor? bias, Precision precision)
    {
        if (precision == Precision.Fp32) return nn.functional.linear(x, weight, bias);
        using var input = In(x, precision);
        using var w = In(weight, precision);
        using var b = bias is null ? null : In(bias, precision);
        return nn.functional.linear(input, w, b);
    }

    /// <summary>
    /// <paramref name="x"/> as a product in <paramref name="precision"/> reads it: as it is under fp32 (whatever its type:
    /// a float64 model stays float64), cast to bfloat16 under bf16. Always a new handle, which the caller may dispose.
    /// </summary>
    public static Tensor In(Tensor x, Precision precision) => precision == Precision.Fp32 ? x.alias() : Cast(x, DtypeOf(precision));

    /// <summary><paramref name="x"/> in <paramref name="dtype"/>: a new handle on the same tensor when it already is.</summary>
    public static Tensor Cast(Tensor x, ScalarType dtype) => x.dtype == dtype ? x.alias() : x.to(dtype);
}
