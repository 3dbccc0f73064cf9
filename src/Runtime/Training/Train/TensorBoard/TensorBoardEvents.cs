using System.Buffers.Binary;
using Google.Protobuf;
using Tensorboard;

namespace ViTDsl.Runtime.Train.TensorBoard;

/// <summary>
/// Writes TensorBoard event files (<c>events.out.tfevents.*</c>, what <c>tensorboard --logdir</c> reads): TFRecord
/// framing (length, masked CRC-32C of the length, the <c>Event</c> protobuf, masked CRC-32C of it) around Event
/// messages, with TorchSharp's generated TensorBoard protobuf types. Each record is appended and flushed on its own,
/// so a killed run keeps every event written before it.
/// </summary>
/// <remarks>
/// Not TorchSharp's <c>SummaryWriter</c>: it stamps scalars with a wall time of 0 unless given one, and takes the wall
/// time as a float (seconds since 1970 in float32 are 128 s apart), which TensorBoard's time axes would show.
/// </remarks>
internal sealed class TensorBoardEvents
{
    private static int sequence;
    private readonly object gate = new();

    /// <summary>Starts a new event file in <paramref name="directory"/> (one per run attempt, as TensorBoard expects).</summary>
    public TensorBoardEvents(string directory)
    {
        Directory.CreateDirectory(directory);
        var seconds = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        Path = System.IO.Path.Combine(directory, $"events.out.tfevents.{seconds}.{Environment.MachineName}.{Environment.ProcessId}.{Interlocked.Increment(ref sequence)}");
        Write(new Event { WallTime = Now(), FileVersion = "brain.Event:2" });
    }

    public string Path { get; }

    /// <summary>A scalar (a loss, an error rate): what TensorBoard plots against steps.</summary>
    public void Scalar(string tag, long step, double value) =>
        Write(new Event { WallTime = Now(), Step = step, Summary = new Summary { Value = { new Summary.Types.Value { Tag = tag, SimpleValue = (float)value } } } });

    /// <summary>Text shown in TensorBoard's Text tab (its text plugin: a string tensor).</summary>
    public void Text(string tag, long step, string text)
    {
        var tensor = new TensorProto { Dtype = DataType.DtString, TensorShape = new TensorShapeProto() };
        tensor.StringVal.Add(ByteString.CopyFromUtf8(text));
        var value = new Summary.Types.Value
        {
            Tag = tag,
            Metadata = new SummaryMetadata { PluginData = new SummaryMetadata.Types.PluginData { PluginName = "text" } },
            Tensor = tensor,
        };
        Write(new Event { WallTime = Now(), Step = step, Summary = new Summary { Value = { value } } });
    }

    private static double Now() => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0;

    private void Write(Event message)
    {
        var payload = message.ToByteArray();
        var record = new byte[8 + 4 + payload.Length + 4];
        BinaryPrimitives.WriteUInt64LittleEndian(record, (ulong)payload.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(record.AsSpan(8), Crc32C.Masked(record.AsSpan(0, 8)));
        payload.CopyTo(record, 12);
        BinaryPrimitives.WriteUInt32LittleEndian(record.AsSpan(12 + payload.Length), Crc32C.Masked(payload));
        lock (gate)
        {
            using var file = new FileStream(Path, FileMode.Append, FileAccess.Write, FileShare.Read);
            file.Write(record);
        }
    }
}

/// <summary>CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), masked as TFRecord masks it.</summary>
internal static class Crc32C
{
    private static readonly uint[] Table = Enumerable.Range(0, 256).Select(i =>
    {
        uint c = (uint)i;
        for (int k = 0; k < 8; k++) c = (c & 1) != 0 ? 0x82F63B78u ^ (c >> 1) : c >> 1;
        return c;
    }).ToArray();

    public static uint Compute(ReadOnlySpan<byte> data)
    {
        uint crc = 0xFFFFFFFFu;
        foreach (var b in data) crc = Table[(crc ^ b) & 0xFF] ^ (crc >> 8);
        return ~crc;
    }

    /// <summary>TFRecord's mask: rotate right by 15 bits and add 0xa282ead8.</summary>
    public static uint Masked(ReadOnlySpan<byte> data)
    {
        uint crc = Compute(data);
        return ((crc >> 15) | (crc << 17)) + 0xa282ead8u;
    }
}
