using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using ViTDsl.Runtime.Train.Checkpoints;
using static TorchSharp.torch;

namespace ViTDsl.Runtime.Weights;

/// <summary>
/// Reads and writes safetensors, the format timm and Hugging Face publish: an 8-byte little-endian header length, a
/// UTF-8 JSON header naming each tensor's <c>dtype</c>, <c>shape</c> and <c>data_offsets</c> (relative to the data
/// after the header), then the raw little-endian data. Nothing in the file is executed. Every claim of the header is
/// checked against the file before anything is allocated; a file that breaks one is refused with one line naming the
/// tensor and what was expected.
/// </summary>
/// <remarks>
/// Written here rather than with TorchSharp.PyBridge: its loader copies straight into a module by the module's own
/// names, while ViTDsl renames and re-lays-out tensors (timm, big_vision) and validates every shape before copying.
/// </remarks>
internal static class SafeTensorsFile
{
    /// <summary>Headers larger than this are damage, not weights (Hugging Face's reader caps them at 100 MB too).</summary>
    private const long MaxHeaderBytes = 100_000_000;
    private const string MetadataKey = "__metadata__";

    /// <exception cref="FileNotFoundException">No such file.</exception>
    /// <exception cref="InvalidDataException">The file is not valid safetensors (the message says where).</exception>
    public static WeightSet Read(string path)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        var (entries, metadata, dataStart) = ReadHeader(path, file);
        var tensors = new List<KeyValuePair<string, Tensor>>();
        try
        {
            foreach (var entry in entries)
            {
                var tensor = empty(entry.Shape, entry.Dtype.Torch);
                tensors.Add(KeyValuePair.Create(entry.Name, tensor));
                file.Seek(dataStart + entry.Begin, SeekOrigin.Begin);
                file.ReadExactly(tensor.bytes);
            }
        }
        catch
        {
            foreach (var (_, t) in tensors) t.Dispose();
            throw;
        }
        return new WeightSet(path, tensors, metadata);
    }

    /// <summary>
    /// Reads the tensors one at a time: <paramref name="use"/> gets the checked entries and a function that reads one
    /// tensor by name (the caller disposes it), so a model can be loaded holding one tensor at a time.
    /// </summary>
    public static void ReadEach(string path, Action<IReadOnlyList<WeightEntry>, Func<string, Tensor>> use)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        var (entries, _, dataStart) = ReadHeader(path, file);
        var byName = entries.ToDictionary(e => e.Name);
        use(entries, name =>
        {
            var entry = byName[name];
            var tensor = empty(entry.Shape, entry.Dtype.Torch);
            file.Seek(dataStart + entry.Begin, SeekOrigin.Begin);
            file.ReadExactly(tensor.bytes);
            return tensor;
        });
    }

    /// <summary>Writes <paramref name="tensors"/> (any device; written as their dtype, contiguous) atomically.</summary>
    public static void Write(string path, IEnumerable<KeyValuePair<string, Tensor>> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        using var scope = NewDisposeScope();
        var host = tensors.Select(t => KeyValuePair.Create(t.Key, t.Value.detach().cpu().contiguous())).ToList();
        var duplicate = host.GroupBy(t => t.Key).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null) throw new ArgumentException($"tensor name '{duplicate.Key}' appears twice");
        var header = Header(host, metadata);
        DurableFile.WriteAtomically(path, stream =>
        {
            Span<byte> length = stackalloc byte[8];
            BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)header.Length);
            stream.Write(length);
            stream.Write(header);
            foreach (var (_, tensor) in host) stream.Write(tensor.bytes);
        });
    }

    /// <summary>The JSON header, padded with spaces to a multiple of 8 bytes (as Hugging Face's writer aligns the data).</summary>
    private static byte[] Header(List<KeyValuePair<string, Tensor>> tensors, IReadOnlyDictionary<string, string>? metadata)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            if (metadata is { Count: > 0 })
            {
                json.WriteStartObject(MetadataKey);
                foreach (var (key, value) in metadata) json.WriteString(key, value);
                json.WriteEndObject();
            }
            long offset = 0;
            foreach (var (name, tensor) in tensors)
            {
                var dtype = WeightDtype.Of(tensor.dtype);
                long bytes = dtype.ByteLength(tensor.shape)!.Value;
                json.WriteStartObject(name);
                json.WriteString("dtype", dtype.SafeTensors);
                json.WriteStartArray("shape");
                foreach (var d in tensor.shape) json.WriteNumberValue(d);
                json.WriteEndArray();
                json.WriteStartArray("data_offsets");
                json.WriteNumberValue(offset);
                json.WriteNumberValue(offset + bytes);
                json.WriteEndArray();
                json.WriteEndObject();
                offset += bytes;
            }
            json.WriteEndObject();
        }
        var text = buffer.ToArray();
        int padded = (text.Length + 7) / 8 * 8;
        var header = new byte[padded];
        text.CopyTo(header, 0);
        header.AsSpan(text.Length).Fill((byte)' ');
        return header;
    }

    private static (List<WeightEntry> Entries, Dictionary<string, string> Metadata, long DataStart) ReadHeader(string path, FileStream file)
    {
        long length = file.Length;
        if (length < 8)
            throw Corrupt(path, $"is {length} bytes long, too short for the 8-byte header length of a safetensors file");
        Span<byte> prefix = stackalloc byte[8];
        file.ReadExactly(prefix);
        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(prefix);
        if (headerLength > (ulong)Math.Min(length - 8, MaxHeaderBytes))
            throw Corrupt(path, $"claims a {headerLength}-byte header but {length - 8} bytes follow the length (the file is truncated or not safetensors)");
        var header = new byte[headerLength];
        file.ReadExactly(header);
        long dataStart = 8 + (long)headerLength, dataLength = length - dataStart;
        var (entries, metadata) = ParseHeader(path, header, dataLength);
        CheckCoverage(path, entries, dataLength);
        return (entries, metadata, dataStart);
    }

    private static (List<WeightEntry>, Dictionary<string, string>) ParseHeader(string path, byte[] header, long dataLength)
    {
        if (!System.Text.Unicode.Utf8.IsValid(header)) throw Corrupt(path, "has a header that is not valid UTF-8 text");
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(header);
        }
        catch (JsonException e)
        {
            throw Corrupt(path, $"has a header that is not valid JSON ({e.Message.Split('.')[0]})");
        }
        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object) throw Corrupt(path, "has a header that is not a JSON object");
            var entries = new List<WeightEntry>();
            var metadata = new Dictionary<string, string>();
            var seen = new HashSet<string>();
            foreach (var property in document.RootElement.EnumerateObject())
            {
                if (!seen.Add(property.Name)) throw Corrupt(path, $"names tensor '{property.Name}' twice");
                if (property.Name == MetadataKey) ReadMetadata(path, property.Value, metadata);
                else entries.Add(ParseEntry(path, property.Name, property.Value, dataLength));
            }
            return (entries, metadata);
        }
    }

    private static void ReadMetadata(string path, JsonElement value, Dictionary<string, string> metadata)
    {
        if (value.ValueKind != JsonValueKind.Object) throw Corrupt(path, "has __metadata__ that is not an object of strings");
        foreach (var item in value.EnumerateObject())
        {
            if (item.Value.ValueKind != JsonValueKind.String) throw Corrupt(path, $"has __metadata__ '{item.Name}' that is not a string");
            metadata[item.Name] = item.Value.GetString()!;
        }
    }

    private static WeightEntry ParseEntry(string path, string name, JsonElement value, long dataLength)
    {
        string Where() => $"tensor '{name}'";
        if (value.ValueKind != JsonValueKind.Object
            || !value.TryGetProperty("dtype", out var dtypeText) || dtypeText.ValueKind != JsonValueKind.String
            || !value.TryGetProperty("shape", out var shapeArray) || shapeArray.ValueKind != JsonValueKind.Array
            || !value.TryGetProperty("data_offsets", out var offsetArray) || offsetArray.ValueKind != JsonValueKind.Array)
            throw Corrupt(path, $"describes {Where()} without a dtype string, a shape array and a data_offsets array");
        var dtype = WeightDtype.FromSafeTensors(dtypeText.GetString()!)
                    ?? throw Corrupt(path, $"gives {Where()} the unknown dtype '{dtypeText.GetString()}' (known: {string.Join(", ", WeightDtype.All.Select(d => d.SafeTensors))})");
        var shape = Integers(shapeArray);
        var offsets = Integers(offsetArray);
        if (shape is null || shape.Any(d => d < 0) || shape.Length > 16)
            throw Corrupt(path, $"gives {Where()} the shape {shapeArray.GetRawText()}, not a list of at most 16 non-negative integers");
        if (offsets is not [var begin, var end] || begin < 0 || end < begin)
            throw Corrupt(path, $"gives {Where()} the data_offsets {offsetArray.GetRawText()}, not [begin, end] with 0 ≤ begin ≤ end");
        if (end > dataLength)
            throw Corrupt(path, $"places {Where()} at bytes {begin}–{end} of the data, which holds {dataLength} bytes (the file is truncated or its header lies)");
        if (dtype.ByteLength(shape) is not { } bytes || bytes != end - begin)
            throw Corrupt(path, $"gives {Where()} ({dtype.SafeTensors} {WeightSet.Describe(shape)}) {end - begin} bytes of data; that shape needs {dtype.ByteLength(shape)?.ToString() ?? "more than 2^63"}");
        return new WeightEntry(name, dtype, shape, begin);
    }

    private static long[]? Integers(JsonElement array)
    {
        var values = new List<long>();
        foreach (var item in array.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Number || !item.TryGetInt64(out var v)) return null;
            values.Add(v);
        }
        return values.ToArray();
    }

    /// <summary>Tensors tile the data exactly, as the format requires: no overlap, no gap, nothing after the last.</summary>
    private static void CheckCoverage(string path, List<WeightEntry> entries, long dataLength)
    {
        long next = 0;
        foreach (var entry in entries.OrderBy(e => e.Begin).ThenBy(e => e.Bytes))
        {
            if (entry.Begin != next)
                throw Corrupt(path, entry.Begin < next
                    ? $"places tensor '{entry.Name}' at byte {entry.Begin}, overlapping the tensor before it (which ends at {next})"
                    : $"leaves bytes {next}–{entry.Begin} of the data unused before tensor '{entry.Name}'");
            next = entry.Begin + entry.Bytes;
        }
        if (next != dataLength)
            throw Corrupt(path, $"has {dataLength - next} bytes after its last tensor (the header describes {next} of {dataLength} bytes of data)");
    }

    private static InvalidDataException Corrupt(string path, string problem) =>
        new($"{path} {problem}; it is not a valid safetensors file: export it again (or convert it with the safetensors Python package).");
}

/// <summary>One tensor a weight file describes: its name, type, shape and where its data starts.</summary>
internal sealed record WeightEntry(string Name, WeightDtype Dtype, long[] Shape, long Begin)
{
    public long Bytes => Dtype.ByteLength(Shape)!.Value;
}
