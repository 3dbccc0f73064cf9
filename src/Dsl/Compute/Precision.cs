namespace ViTDsl;

/// <summary>
/// The number type of a model's matrix products and residual stream (big_vision's <c>dtype_mm</c>, docs/reference.md
/// §11). With <see cref="Bf16"/> the stem, the encoder's attention and MLP products and the residual stream are
/// bfloat16; LayerNorm statistics, the encoder's final LayerNorm output, the MAP head, pre-logits, the classifier, the
/// loss, the optimizer and the master weights stay float32, and so do checkpoints.
/// </summary>
public enum Precision
{
    /// <summary>Every product in float32.</summary>
    Fp32,

    /// <summary>big_vision's <c>dtype_mm = bfloat16</c> (8 exponent bits, 7 mantissa bits): the encoder in bfloat16, its final LayerNorm and the heads in float32.</summary>
    Bf16,
}

public static class Precisions
{
    /// <summary>Bytes of one element of a matrix-product operand (an activation) in this precision.</summary>
    public static int BytesPerElement(this Precision precision) => precision switch
    {
        Precision.Fp32 => 4,
        Precision.Bf16 => 2,
        _ => throw new System.ArgumentOutOfRangeException(nameof(precision), precision, "Precision is Fp32 or Bf16."),
    };

    /// <summary>The name users see ("fp32", "bf16").</summary>
    public static string Label(this Precision precision) => precision switch
    {
        Precision.Fp32 => "fp32",
        Precision.Bf16 => "bf16",
        _ => throw new System.ArgumentOutOfRangeException(nameof(precision), precision, "Precision is Fp32 or Bf16."),
    };
}
