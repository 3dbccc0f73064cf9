using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ViTDsl.Runtime.Layers;

/// <summary>
/// Matrix products in a model's <see cref="Precision"/> (big_vision's <c>dtype_mm</c>): under bf16 the operands,
/// float32 master weights included, are cast to bfloat16 for the product only. Autograd casts the gradients back,
/// so parameters, gradients and optimizer state stay float32; results are bfloat16 until a residual sum, a
/// LayerNorm or the loss brings them back to float32.
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

    /// <summary>x·Wᵀ + b in <paramref name="precision"/>; the result is in that precision.</summary>
    public static Tensor Dense(Tensor x, Tensor weight, Tensor? bias, Precision precision)
    {
        if (precision == Precision.Fp32) return nn.functional.linear(x, weight, bias);
        var dtype = DtypeOf(precision);
        return nn.functional.linear(x.to(dtype), weight.to(dtype), bias?.to(dtype));
    }

    /// <summary>A dense layer's product in <paramref name="precision"/>.</summary>
    public static Tensor Dense(Linear layer, Tensor x, Precision precision) => Dense(x, layer.weight!, layer.bias, precision);

    /// <summary>
    /// A dense layer whose output leaves the model (the classifier): the product in <paramref name="precision"/>, the
    /// bias added in float32. Logits sit near the sigmoid head's −10 bias, where bfloat16's spacing (1/16) would be
    /// coarser than the differences the loss needs.
    /// </summary>
    public static Tensor DenseToFloat32(Linear layer, Tensor x, Precision precision)
    {
        if (precision == Precision.Fp32) return layer.forward(x);
        using var product = Dense(x, layer.weight!, null, precision);
        if (layer.bias is null) return product.to(ScalarType.Float32);
        using var wide = product.to(ScalarType.Float32);
        return wide.add(layer.bias, Scalars.One); // a + b without an unowned Scalar (see Scalars)
    }
}
