namespace ViTDsl;

/// <summary>
/// Storage type of an optimizer state tensor. The paper keeps Adam's first moment and Adafactor's momentum in
/// bfloat16 to save memory; it found a bfloat16 second moment hurt accuracy, so second moments are always float32.
/// </summary>
public enum StateDtype
{
    /// <summary>32-bit float: 4 bytes per element.</summary>
    F32,

    /// <summary>bfloat16: 2 bytes per element (8 exponent bits, 7 mantissa bits).</summary>
    Bf16,
}

public static class StateDtypes
{
    /// <summary>Bytes one element of this type occupies.</summary>
    public static int Bytes(this StateDtype dtype) => dtype switch
    {
        StateDtype.F32 => 4,
        StateDtype.Bf16 => 2,
        _ => throw new System.ArgumentOutOfRangeException(nameof(dtype), dtype, "StateDtype is F32 or Bf16."),
    };
}
