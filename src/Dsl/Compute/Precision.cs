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

    /// <summary>
    /// Decided where the model trains, per model shape: <see cref="Bf16"/> where the processor multiplies bfloat16 with
    /// hardware instructions (AVX512-BF16 or AMX on x86, BF16 on Arm) and a short measurement of that shape's training
    /// step says bf16 is faster; <see cref="Fp32"/> otherwise. The precision it resolved to is recorded with each run
    /// and is part of its lineage, so a resumed run continues in the precision it started in.
    /// </summary>
    Auto,
}

public static class Precisions
{
    /// <summary>Bytes of one element of a matrix-product operand (an activation) in this precision.</summary>
    public static int BytesPerElement(this Precision precision) => precision switch
    {
        Precision.Fp32 => 4,
        Precision.Bf16 => 2,
        Precision.Auto => 4, // not yet resolved: the larger of the two, so memory checks hold either way
        _ => throw new System.ArgumentOutOfRangeException(nameof(precision), precision, "Precision is Fp32, Bf16 or Auto."),
    };

    /// <summary>The name users see ("fp32", "bf16").</summary>
    public static string Label(this Precision precision) => precision switch
    {
        Precision.Fp32 => "fp32",
        Precision.Bf16 => "bf16",
        Precision.Auto => "auto",
        _ => throw new System.ArgumentOutOfRangeException(nameof(precision), precision, "Precision is Fp32, Bf16 or Auto."),
    };

    /// <summary>Whether this is a number type a model can be built in (not <see cref="Precision.Auto"/>, which is decided at run time).</summary>
    public static bool IsResolved(this Precision precision) => precision is Precision.Fp32 or Precision.Bf16;

    /// <summary>The precision a label names ("fp32", "bf16", "auto"; case-insensitive), or null.</summary>
    public static Precision? FromLabel(string? label) => label?.Trim().ToLowerInvariant() switch
    {
        "fp32" => Precision.Fp32,
        "bf16" => Precision.Bf16,
        "auto" => Precision.Auto,
        _ => null,
    };
}
