using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ViTDsl.Runtime.Layers;

/// <summary>
/// Matrix products in a model's <see cref="Precision"/> (big_vision's <c>dtype_mm</c>): under bf16 the input and the
/// float32 master weights are cast to bfloat16 for the product, and the result is bfloat16. Autograd casts the
/// gradients back, so parameters, gradients and optimizer state stay float32.
/// </summary>
internal static class MatrixProducts
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
    /// <remarks>Intermediates (casts, concatenated weights) belong to the caller's dispose scope, as the model's forward pass has one.</remarks>
    public static Tensor Dense(Tensor x, IReadOnlyList<Linear> layers, Precision precision) => layers.Count == 1
        ? Dense(x, layers[0].weight!, layers[0].bias, precision)
        : nn.functional.linear(In(x, precision), cat(layers.Select(l => In(l.weight!, precision)).ToArray()), cat(layers.Select(l => In(l.bias!, precision)).ToArray()));

    /// <summary>x·Wᵀ + b in <paramref name="precision"/>; the result is in that precision.</summary>
    public static Tensor Dense(Tensor x, Tensor weight, Tensor? bias, Precision precision) =>
        nn.functional.linear(In(x, precision), In(weight, precision), bias is null ? null : In(bias, precision));

    /// <summary>
    /// <paramref name="x"/> as a product in <paramref name="precision"/> reads it: itself under fp32 (whatever its type: a
    /// float64 model stays float64) or when it already is bfloat16, else a bfloat16 copy. Dispose it only if it is not <paramref name="x"/>.
    /// </summary>
    public static Tensor In(Tensor x, Precision precision) =>
        precision == Precision.Fp32 || x.dtype == DtypeOf(precision) ? x : x.to(DtypeOf(precision));
}
