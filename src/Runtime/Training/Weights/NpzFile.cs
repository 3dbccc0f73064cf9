using System.IO.Compression;
using ViTDsl.Runtime.Train.Checkpoints;
using static TorchSharp.torch;

namespace ViTDsl.Runtime.Weights;

/// <summary>
/// Reads numpy's <c>.npz</c> (a zip of <c>.npy</c> arrays, stored or deflated: <c>np.savez</c>,
/// <c>np.savez_compressed</c>), the format of big_vision's checkpoints: each entry <c>NAME.npy</c> becomes the tensor
/// NAME (big_vision's tree path joined with '/'). Sizes are checked against the archive before anything is allocated.
/// </summary>
internal static class NpzFile
{
    /// <summary>Deflate expands at most about 1032:1; an entry claiming more than that is damage.</summary>
    private const long MaxDeflateRatio = 1032;

    /// <exception cref="FileNotFoundException">No such file.</exception>
    /// <exception cref="InvalidDataException">The file is not a readable npz (the message names the entry and the problem).</exception>
    public static WeightSet Read(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        var tensors = new List<KeyValuePair<string, Tensor>>();
        try
        {
            using var zip = Open(path, stream);
            var seen = new HashSet<string>();
            foreach (var entry in zip.Entries)
            {
                if (!entry.FullName.EndsWith(".npy", StringComparison.Ordinal))
                    throw Corrupt(path, $"holds '{entry.FullName}', which is not an .npy array");
                var name = entry.FullName[..^4];
                if (!seen.Add(name)) throw Corrupt(path, $"holds the array '{name}' twice");
                tensors.Add(KeyValuePair.Create(name, ReadArray(path, stream.Length, entry, name)));
            }
        }
        catch (Exception e) when (IsArchiveDamage(e, path))
        {
            Dispose(tensors);
            throw Corrupt(path, $"is a damaged zip archive ({e.Message.TrimEnd('.')})");
        }
        catch
        {
            Dispose(tensors);
            throw;
        }
        return new WeightSet(path, tensors);
    }

    /// <summary>
    /// Writes <paramref name="tensors"/> as numpy's <c>np.savez</c> does (stored entries; <c>np.savez_compressed</c> with
    /// <paramref name="level"/> other than none): one <c>NAME.npy</c> (format 1.0, C order, little-endian) per tensor,
    /// atomically. big_vision's <c>load_params</c> reads such a file with '/'-joined tree paths as names.
    /// </summary>
    public static void Write(string path, IEnumerable<KeyValuePair<string, Tensor>> tensors, CompressionLevel level = CompressionLevel.NoCompression)
    {
        using var scope = NewDisposeScope();
        var host = tensors.Select(t => KeyValuePair.Create(t.Key, t.Value.detach().cpu().contiguous())).ToList();
        DurableFile.WriteAtomically(path, stream =>
        {
            using var zip = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true);
            foreach (var (name, tensor) in host)
            {
                var dtype = WeightDtype.Of(tensor.dtype);
                if (dtype.Numpy.Length == 0) throw new NotSupportedException($"tensor '{name}' is {dtype.SafeTensors}, which numpy cannot hold; write safetensors instead");
                using var entry = zip.CreateEntry(name + ".npy", level).Open();
                entry.Write(NpyHeader.Encode(dtype, tensor.shape));
                entry.Write(tensor.bytes);
            }
        });
    }

    private static ZipArchive Open(string path, Stream stream)
    {
        try
        {
            return new ZipArchive(stream, ZipArchiveMode.Read, leaveOpen: true);
        }
        catch (InvalidDataException e)
        {
            throw Corrupt(path, $"is not a zip archive of .npy arrays ({e.Message.TrimEnd('.')})");
        }
    }

    private static Tensor ReadArray(string path, long fileLength, ZipArchiveEntry entry, string name)
    {
        Exception Problem(string what) => Corrupt(path, $"array '{name}' {what}");
        if (entry.CompressedLength > fileLength || entry.Length > Math.Max(entry.CompressedLength, 1) * MaxDeflateRatio + 4096)
            throw Problem($"claims {entry.Length} bytes from {entry.CompressedLength} compressed in a {fileLength}-byte file");
        using var data = entry.Open();
        var header = NpyHeader.Read(data, Problem);
        if (header.Dtype.ByteLength(header.Shape) is not { } bytes || bytes != entry.Length - header.Length)
            throw Problem($"is {header.Dtype.Numpy} {WeightSet.Describe(header.Shape)} ({header.Dtype.ByteLength(header.Shape)?.ToString() ?? "too many"} bytes) " +
                          $"but its entry holds {entry.Length - header.Length} bytes of data");
        // Fortran order stores the transpose's elements: read them as the reversed shape, then transpose back.
        var stored = header.FortranOrder ? header.Shape.Reverse().ToArray() : header.Shape;
        var tensor = empty(stored, header.Dtype.Torch);
        try
        {
            if (data.ReadAtLeast(tensor.bytes, (int)Math.Min(bytes, int.MaxValue), throwOnEndOfStream: false) < bytes)
                throw Problem("ends before its data does");
            if (!header.FortranOrder) return tensor;
            using (tensor)
                return tensor.permute(Enumerable.Range(0, stored.Length).Reverse().Select(i => (long)i).ToArray()).contiguous();
        }
        catch
        {
            tensor.Dispose();
            throw;
        }
    }

    /// <summary>System.IO.Compression reports damage (a bad CRC, a broken deflate stream, a truncated archive) as these.</summary>
    private static bool IsArchiveDamage(Exception e, string path) => e switch
    {
        FileNotFoundException or DirectoryNotFoundException => false,
        InvalidDataException => !e.Message.StartsWith(path, StringComparison.Ordinal), // not one of ours
        IOException or NotSupportedException => true,
        _ => false,
    };

    private static void Dispose(List<KeyValuePair<string, Tensor>> tensors)
    {
        foreach (var (_, t) in tensors) t.Dispose();
        tensors.Clear();
    }

    // A damaged archive's entry names and System.IO.Compression's messages may hold any character: the error stays one
    // line, its control characters escaped (a flipped byte once put a newline in an entry name).
    private static InvalidDataException Corrupt(string path, string problem) =>
        new($"{path} {string.Concat(problem.Select(c => char.IsControl(c) ? $"\\u{(int)c:x4}" : c.ToString()))}; it is not a valid npz file: save it again with numpy.savez.");
}
