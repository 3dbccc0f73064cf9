using static TorchSharp.torch;

namespace ViTDsl.Runtime.Weights;

/// <summary>
/// One element type a weight file may hold, under its name in each format: safetensors' <c>dtype</c> code and numpy's
/// little-endian <c>descr</c> (the table both readers and the writer use).
/// </summary>
internal sealed record WeightDtype(string SafeTensors, string Numpy, ScalarType Torch, int Size)
{
    public static readonly IReadOnlyList<WeightDtype> All =
    [
        new("F64", "<f8", ScalarType.Float64, 8),
        new("F32", "<f4", ScalarType.Float32, 4),
        new("F16", "<f2", ScalarType.Float16, 2),
        new("BF16", "", ScalarType.BFloat16, 2), // numpy has no bfloat16
        new("I64", "<i8", ScalarType.Int64, 8),
        new("I32", "<i4", ScalarType.Int32, 4),
        new("I16", "<i2", ScalarType.Int16, 2),
        new("I8", "|i1", ScalarType.Int8, 1),
        new("U8", "|u1", ScalarType.Byte, 1),
        new("BOOL", "|b1", ScalarType.Bool, 1),
    ];

    public bool IsFloatingPoint => Torch is ScalarType.Float64 or ScalarType.Float32 or ScalarType.Float16 or ScalarType.BFloat16;

    public static WeightDtype? FromSafeTensors(string code) => All.FirstOrDefault(d => d.SafeTensors == code);

    public static WeightDtype? FromNumpy(string descr) => All.FirstOrDefault(d => d.Numpy.Length > 0 && d.Numpy == descr);

    public static WeightDtype Of(ScalarType torch) => All.FirstOrDefault(d => d.Torch == torch)
        ?? throw new NotSupportedException($"tensors of type {torch} cannot be written to a weight file");

    /// <summary>The bytes of <paramref name="shape"/> elements of this type; null when it overflows or a dimension is negative.</summary>
    public long? ByteLength(IReadOnlyList<long> shape)
    {
        try
        {
            long bytes = Size;
            foreach (var d in shape)
            {
                if (d < 0) return null;
                bytes = checked(bytes * d);
            }
            return bytes;
        }
        catch (OverflowException)
        {
            return null;
        }
    }
}
