using System.Buffers.Binary;
using System.IO.Hashing;
using System.Text;

namespace ViTDsl.Runtime.Store;

/// <summary>
/// The CRC-32 of one stored metric, over its trial, step, value and name. SQLite checks the structure of its file but
/// not the values in it: a flipped bit in a stored loss would otherwise be read as a different loss.
/// </summary>
internal static class MetricChecksum
{
    /// <summary>The SQL function the migration to schema 2 uses to fill in the checksums of existing metrics.</summary>
    public const string SqlFunction = "vitdsl_metric_crc";

    /// <param name="value">The stored value; null is NaN.</param>
    public static long Of(long trialId, string name, long step, double? value)
    {
        var bytes = new byte[24 + Encoding.UTF8.GetByteCount(name)];
        BinaryPrimitives.WriteInt64LittleEndian(bytes, trialId);
        BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(8), step);
        BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(16), value is { } v ? BitConverter.DoubleToInt64Bits(v) : -1);
        Encoding.UTF8.GetBytes(name, bytes.AsSpan(24));
        return Crc32.HashToUInt32(bytes);
    }
}
