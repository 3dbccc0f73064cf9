namespace ViTDsl;

/// <summary>
/// The number type of a model's matrix products (big_vision's <c>dtype_mm</c>). With <see cref="Bf16"/> the patch
/// embedding, the attention projections and scores, the MLPs, the MAP head and the classifier multiply in bfloat16;
/// LayerNorm, softmax, the loss, the optimizer and the master weights stay float32, and so do checkpoints.
/// </summary>
public enum Precision
{
    /// <summary>Every product in float32.</summary>
    Fp32,

    /// <summary>Matrix products in bfloat16 (8 exponent bits, 7 mantissa bits), everything else float32: the paper's mixed precision.</summary>
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
