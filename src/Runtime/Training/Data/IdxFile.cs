using System.Buffers.Binary;
using System.IO.Compression;

namespace ViTDsl.Runtime.Data;

/// <summary>An n-dimensional array of unsigned bytes read from an IDX file (the MNIST format).</summary>
/// <param name="Shape">Dimensions, outermost first (e.g. [60000, 28, 28]).</param>
/// <param name="Values">Row-major values.</param>
internal sealed record IdxArray(int[] Shape, byte[] Values);

/// <summary>
/// Reads and writes IDX files (http://yann.lecun.com/exdb/mnist/ format): a magic of two zero bytes, a type byte
/// (0x08 = unsigned byte, the only one image data sets use) and the number of dimensions, then each dimension as
/// a big-endian int32, then the values. Gzip is detected from the content, not the file name.
/// </summary>
internal static class IdxFile
{
    private const byte UnsignedByte = 0x08;

    /// <summary>Reads an IDX file (plain or gzip); a bad magic, a truncated or over-long file is an <see cref="InvalidDataException"/>.</summary>
    public static IdxArray Read(string path)
    {
        if (!File.Exists(path))
            throw new FileNotFoundException($"IDX file {path} does not exist.", path);
        byte[] bytes;
        try
        {
            bytes = Decompress(File.ReadAllBytes(path));
        }
        catch (InvalidDataException e)
        {
            throw Corrupt(path, $"its gzip stream is damaged ({e.Message})");
        }
        return Parse(path, bytes);
    }

    /// <summary>Writes an unsigned-byte IDX file, gzip-compressed when <paramref name="gzip"/> is true.</summary>
    public static void Write(string path, IdxArray array, bool gzip)
    {
        if (array.Shape.Length is 0 or > 255) throw new ArgumentException("an IDX array has 1 to 255 dimensions", nameof(array));
        using var file = File.Create(path);
        using Stream stream = gzip ? new GZipStream(file, CompressionLevel.Fastest) : file;
        stream.Write([0, 0, UnsignedByte, (byte)array.Shape.Length]);
        Span<byte> dim = stackalloc byte[4];
        foreach (int d in array.Shape)
        {
            BinaryPrimitives.WriteInt32BigEndian(dim, d);
            stream.Write(dim);
        }
        stream.Write(array.Values);
    }

    private static byte[] Decompress(byte[] bytes)
    {
        if (bytes.Length < 2 || bytes[0] != 0x1f || bytes[1] != 0x8b) return bytes;
        using var gzip = new GZipStream(new MemoryStream(bytes), CompressionMode.Decompress);
        using var output = new MemoryStream(bytes.Length * 4);
        gzip.CopyTo(output);
        return output.ToArray();
    }

    private static IdxArray Parse(string path, byte[] b)
    {
        if (b.Length < 4)
            throw Corrupt(path, $"it has {b.Length} bytes, fewer than the 4-byte IDX magic");
        if (b[0] != 0 || b[1] != 0)
            throw Corrupt(path, $"its magic starts with 0x{b[0]:x2} 0x{b[1]:x2} instead of 0x00 0x00, so it is not an IDX file");
        if (b[2] != UnsignedByte)
            throw Corrupt(path, $"its values have IDX type 0x{b[2]:x2}; only unsigned bytes (0x08), as in image data sets, are supported");
        int rank = b[3];
        if (rank == 0)
            throw Corrupt(path, "its header declares 0 dimensions");
        int headerLength = 4 + 4 * rank;
        if (b.Length < headerLength)
            throw Corrupt(path, $"it is truncated inside its header ({b.Length} of {headerLength} bytes)");
        var shape = new int[rank];
        long count = 1;
        long actual = b.Length - headerLength;
        for (int i = 0; i < rank; i++)
        {
            shape[i] = BinaryPrimitives.ReadInt32BigEndian(b.AsSpan(4 + 4 * i));
            if (shape[i] < 0) throw Corrupt(path, $"dimension {i} is negative ({shape[i]})");
            // Saturate rather than overflow: a damaged header's product of up to 255 dimensions must not wrap around.
            count = count > actual && shape[i] > 0 ? count : count * shape[i];
        }
        var needed = shape.Aggregate(1.0, (n, d) => n * d); // exact enough for a message
        if (actual < count)
            throw Corrupt(path, $"it is truncated: shape [{string.Join(", ", shape)}] needs {needed:0} bytes of values but only {actual} follow the header");
        if (actual > count)
            throw Corrupt(path, $"it has {actual - count} bytes beyond the {count} its shape [{string.Join(", ", shape)}] declares");
        return new IdxArray(shape, b.AsSpan(headerLength).ToArray());
    }

    private static InvalidDataException Corrupt(string path, string problem) =>
        new($"IDX file {path} is corrupt: {problem}. Re-download or reinstall it " +
            $"(for Fashion-MNIST: sudo apt-get install --reinstall dataset-fashion-mnist).");
}
