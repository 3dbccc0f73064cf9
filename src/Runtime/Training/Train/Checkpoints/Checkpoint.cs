using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using TorchSharp;
using static TorchSharp.torch;

namespace ViTDsl.Runtime.Train.Checkpoints;

/// <summary>
/// Writes and reads checkpoints: named tensors (model state, optimizer state, RNG state…) plus a
/// <see cref="CheckpointHeader"/>. Files are written atomically (<see cref="DurableFile"/>) and end with a SHA-256 of
/// everything before it, so a truncated or damaged file is refused with a clear error rather than loaded.
/// </summary>
/// <remarks>
/// Layout (little-endian): "VITDSLCK", int32 version, int32 header length, UTF-8 JSON header, int32 tensor count;
/// per tensor: int32 name length, UTF-8 name, int32 dtype (torch ScalarType), int32 rank, int64 dims[rank],
/// int64 byte length, raw bytes; then the 32-byte SHA-256 and "VITDSLND".
/// </remarks>
internal static class Checkpoint
{
    public const int FormatVersion = 1;
    private static readonly byte[] Magic = "VITDSLCK"u8.ToArray();
    private static readonly byte[] EndMagic = "VITDSLND"u8.ToArray();
    private const int TrailerLength = 32 + 8;

    /// <summary>Writes <paramref name="tensors"/> (any device, dtype, layout) and the header to <paramref name="path"/> atomically.</summary>
    public static void Write(string path, CheckpointHeader header, IEnumerable<KeyValuePair<string, Tensor>> tensors)
    {
        var list = tensors.ToList();
        var duplicate = list.GroupBy(t => t.Key).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null) throw new ArgumentException($"tensor name '{duplicate.Key}' appears twice in the checkpoint");
        DurableFile.WriteAtomically(path, file =>
        {
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            var buffer = new byte[8];
            void Put(ReadOnlySpan<byte> bytes)
            {
                file.Write(bytes);
                hash.AppendData(bytes);
            }
            void Int32(int v) { BinaryPrimitives.WriteInt32LittleEndian(buffer, v); Put(buffer.AsSpan(0, 4)); }
            void Int64(long v) { BinaryPrimitives.WriteInt64LittleEndian(buffer, v); Put(buffer.AsSpan(0, 8)); }
            void Text(string s) { var b = Encoding.UTF8.GetBytes(s); Int32(b.Length); Put(b); }

            Put(Magic);
            Int32(FormatVersion);
            Text(JsonSerializer.Serialize(header with { Version = FormatVersion }));
            Int32(list.Count);
            foreach (var (name, tensor) in list)
            {
                using var scope = torch.NewDisposeScope();
                var host = tensor.detach().cpu().contiguous();
                Text(name);
                Int32((int)host.dtype);
                Int32((int)host.ndim);
                foreach (long d in host.shape) Int64(d);
                var bytes = host.bytes;
                Int64(bytes.Length);
                Put(bytes);
            }
            file.Write(hash.GetHashAndReset());
            file.Write(EndMagic);
        });
    }

    /// <summary>Reads a checkpoint after verifying its checksum; the caller disposes the result (its tensors).</summary>
    public static LoadedCheckpoint Read(string path)
    {
        using var reader = Open(path);
        var header = ParseHeader(reader);
        int count = reader.Int32();
        var tensors = new Dictionary<string, Tensor>();
        try
        {
            for (int i = 0; i < count; i++)
            {
                string name = reader.Text();
                var dtype = (ScalarType)reader.Int32();
                if (ElementSize(dtype) is not { } elementSize) throw reader.Corrupt($"tensor '{name}' has unknown type {(int)dtype}");
                int rank = reader.Int32();
                if (rank < 0 || rank > 64) throw reader.Corrupt($"tensor '{name}' has rank {rank}");
                var shape = new long[rank];
                for (int d = 0; d < rank; d++) shape[d] = reader.Int64();
                long length = reader.Int64();
                // Everything is checked against the file before torch allocates: a damaged shape must not ask for terabytes.
                if (shape.Any(d => d < 0) || ByteLength(shape, elementSize) is not { } expected || expected != length || length > reader.Remaining)
                    throw reader.Corrupt($"tensor '{name}' of shape [{string.Join(", ", shape)}] and type {dtype} claims {length} bytes " +
                                         $"with {reader.Remaining} left in the file");
                if (tensors.ContainsKey(name)) throw reader.Corrupt($"tensor '{name}' appears twice");
                var tensor = torch.empty(shape, dtype);
                tensors[name] = tensor;
                reader.Fill(tensor.bytes);
            }
            if (!reader.AtEnd) throw reader.Corrupt("bytes remain after the last tensor");
        }
        catch
        {
            foreach (var t in tensors.Values) t.Dispose();
            throw;
        }
        return new LoadedCheckpoint(header, tensors);
    }

    // The dtypes a checkpoint may hold, with their sizes; anything else in a file is damage.
    private static int? ElementSize(ScalarType dtype) => dtype switch
    {
        ScalarType.Byte or ScalarType.Int8 or ScalarType.Bool => 1,
        ScalarType.Int16 or ScalarType.Float16 or ScalarType.BFloat16 => 2,
        ScalarType.Int32 or ScalarType.Float32 => 4,
        ScalarType.Int64 or ScalarType.Float64 or ScalarType.ComplexFloat32 => 8,
        ScalarType.ComplexFloat64 => 16,
        _ => null,
    };

    private static long? ByteLength(long[] shape, int elementSize)
    {
        try
        {
            long bytes = elementSize;
            foreach (long d in shape) bytes = checked(bytes * d);
            return bytes;
        }
        catch (OverflowException)
        {
            return null;
        }
    }

    /// <summary>Reads only the header (after verifying the checksum), e.g. to find the latest step.</summary>
    public static CheckpointHeader ReadHeader(string path)
    {
        using var reader = Open(path);
        return ParseHeader(reader);
    }

    private static CheckpointHeader ParseHeader(Reader reader)
    {
        Span<byte> magic = stackalloc byte[Magic.Length];
        reader.Fill(magic);
        if (!magic.SequenceEqual(Magic)) throw reader.Corrupt("it does not start with the ViTDsl checkpoint magic");
        int version = reader.Int32();
        if (version != FormatVersion)
            throw new InvalidDataException($"Checkpoint {reader.Path} has format version {version}; this build reads version {FormatVersion}. " +
                                           "Use the ViTDsl build that wrote it, or delete it to resume from an earlier checkpoint.");
        string json = reader.Text();
        try
        {
            return JsonSerializer.Deserialize<CheckpointHeader>(json) ?? throw reader.Corrupt("its header is null");
        }
        catch (JsonException e)
        {
            throw reader.Corrupt($"its header is not valid JSON ({e.Message})");
        }
    }

    // Streams the file once to check the end marker and SHA-256 (so nothing of a damaged file is ever parsed, and
    // files beyond 2 GB work), then returns a reader positioned at the start.
    private static Reader Open(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"Checkpoint {path} does not exist.", path);
        var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20);
        try
        {
            string refuse = $"Checkpoint {path} is corrupt or truncated and was not loaded";
            string fix = "delete it to resume from the previous checkpoint, or restart the run.";
            long body = file.Length - TrailerLength;
            Span<byte> trailer = stackalloc byte[TrailerLength];
            if (body < Magic.Length)
                throw new InvalidDataException($"{refuse}: it has only {file.Length} bytes (was the write interrupted?); {fix}");
            file.Position = body;
            file.ReadExactly(trailer);
            if (!trailer[32..].SequenceEqual(EndMagic))
                throw new InvalidDataException($"{refuse}: its end marker is missing ({file.Length} bytes; was the write interrupted?); {fix}");
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            file.Position = 0;
            var buffer = new byte[1 << 20];
            for (long left = body; left > 0;)
            {
                int n = file.Read(buffer, 0, (int)Math.Min(buffer.Length, left));
                if (n == 0) throw new InvalidDataException($"{refuse}: it shrank while being read; {fix}");
                hash.AppendData(buffer, 0, n);
                left -= n;
            }
            if (!hash.GetHashAndReset().AsSpan().SequenceEqual(trailer[..32]))
                throw new InvalidDataException($"{refuse}: its SHA-256 checksum does not match its contents; {fix}");
            file.Position = 0;
            return new Reader(path, file, body);
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    private sealed class Reader(string path, FileStream file, long end) : IDisposable
    {
        private readonly byte[] scratch = new byte[8];
        public string Path => path;
        public long Remaining => end - file.Position;
        public bool AtEnd => file.Position == end;

        public void Fill(Span<byte> target)
        {
            if (target.Length > Remaining) throw Corrupt($"a field of {target.Length} bytes at offset {file.Position} runs past the end");
            file.ReadExactly(target);
        }

        public int Int32() { Fill(scratch.AsSpan(0, 4)); return BinaryPrimitives.ReadInt32LittleEndian(scratch); }
        public long Int64() { Fill(scratch.AsSpan(0, 8)); return BinaryPrimitives.ReadInt64LittleEndian(scratch); }

        public string Text()
        {
            int length = Int32();
            if (length < 0 || length > Remaining) throw Corrupt($"a text field claims {length} bytes");
            var bytes = new byte[length];
            Fill(bytes);
            return Encoding.UTF8.GetString(bytes);
        }

        public InvalidDataException Corrupt(string problem) =>
            new($"Checkpoint {path} is malformed ({problem}) although its checksum matches; it was written by another program or version.");

        public void Dispose() => file.Dispose();
    }
}

/// <summary>A checkpoint in memory: header and named tensors (CPU). Dispose it to free the tensors.</summary>
internal sealed class LoadedCheckpoint(CheckpointHeader header, Dictionary<string, Tensor> tensors) : IDisposable
{
    public CheckpointHeader Header { get; } = header;
    public IReadOnlyDictionary<string, Tensor> Tensors { get; } = tensors;

    /// <summary>The tensor called <paramref name="name"/>, or a clear error naming what the checkpoint holds.</summary>
    public Tensor this[string name] => Tensors.TryGetValue(name, out var t) ? t
        : throw new KeyNotFoundException($"The checkpoint has no tensor '{name}'; it holds {string.Join(", ", Tensors.Keys.Take(20))}{(Tensors.Count > 20 ? ", …" : "")}.");

    public void Dispose()
    {
        foreach (var t in Tensors.Values) t.Dispose();
    }
}
