using System.Buffers.Binary;
using System.Text;
using System.Text.RegularExpressions;

namespace ViTDsl.Runtime.Weights;

/// <summary>
/// The header of one <c>.npy</c> array (numpy's format, versions 1–3): magic <c>\x93NUMPY</c>, version, header length
/// (2 bytes in version 1, 4 after), then a Python dict literal with <c>descr</c>, <c>fortran_order</c> and <c>shape</c>.
/// Only the literal numpy writes is accepted; nothing is evaluated.
/// </summary>
internal sealed partial record NpyHeader(WeightDtype Dtype, bool FortranOrder, long[] Shape, int Length)
{
    private const int MaxDictBytes = 1 << 16;

    /// <summary>Reads the header from the start of <paramref name="stream"/>; <paramref name="problem"/> makes the error for a message.</summary>
    public static NpyHeader Read(Stream stream, Func<string, Exception> problem)
    {
        Span<byte> fixedPart = stackalloc byte[10];
        Fill(stream, fixedPart, problem);
        if (fixedPart[0] != 0x93 || !fixedPart[1..6].SequenceEqual("NUMPY"u8))
            throw problem("does not start with numpy's magic \\x93NUMPY");
        int major = fixedPart[6];
        int prefix, dictLength;
        if (major == 1)
            (prefix, dictLength) = (10, BinaryPrimitives.ReadUInt16LittleEndian(fixedPart[8..]));
        else if (major is 2 or 3)
        {
            Span<byte> more = stackalloc byte[2];
            Fill(stream, more, problem);
            (prefix, dictLength) = (12, (int)Math.Min(BinaryPrimitives.ReadUInt32LittleEndian([.. fixedPart[8..], .. more]), int.MaxValue));
        }
        else throw problem($"has .npy format version {major}, which numpy never wrote (1–3 exist)");
        if (dictLength > MaxDictBytes) throw problem($"claims a {dictLength}-byte .npy header");
        var dict = new byte[dictLength];
        Fill(stream, dict, problem);
        return Parse(Encoding.Latin1.GetString(dict), prefix + dictLength, problem);
    }

    /// <summary>numpy's version 1.0 header for a C-ordered array, padded with spaces and a newline to a multiple of 64 bytes.</summary>
    public static byte[] Encode(WeightDtype dtype, IReadOnlyList<long> shape)
    {
        var dims = shape.Count == 1 ? $"({shape[0]},)" : $"({string.Join(", ", shape)})";
        var dict = $"{{'descr': '{dtype.Numpy}', 'fortran_order': False, 'shape': {dims}, }}";
        int padded = (10 + dict.Length + 1 + 63) / 64 * 64 - 10;
        var text = Encoding.ASCII.GetBytes(dict.PadRight(padded - 1) + "\n");
        byte[] prefix = [0x93, .. "NUMPY"u8, 1, 0, (byte)(text.Length & 0xFF), (byte)(text.Length >> 8)];
        return [.. prefix, .. text];
    }

    private static NpyHeader Parse(string dict, int length, Func<string, Exception> problem)
    {
        var descr = DescrPattern().Match(dict);
        var order = OrderPattern().Match(dict);
        var shape = ShapePattern().Match(dict);
        if (!descr.Success || !order.Success || !shape.Success)
            throw problem($"has a .npy header without descr, fortran_order and shape: {Shorten(dict)}");
        var code = descr.Groups[1].Value;
        var dtype = WeightDtype.FromNumpy(code) ?? throw problem(code switch
        {
            ['>', ..] => $"holds big-endian numbers ('{code}'); save it little-endian (arr.astype(arr.dtype.newbyteorder('<')))",
            "|V2" => "holds 2-byte raw values ('|V2', bfloat16 saved without ml_dtypes); save float32 instead",
            _ => $"holds numbers of type '{code}' (supported: {string.Join(", ", WeightDtype.All.Where(d => d.Numpy.Length > 0).Select(d => d.Numpy))})",
        });
        var dims = new List<long>();
        foreach (var part in shape.Groups[1].Value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (!long.TryParse(part.TrimEnd('L'), out var d) || d < 0) throw problem($"has the shape ({shape.Groups[1].Value}) in its .npy header");
            dims.Add(d);
        }
        if (dims.Count > 16) throw problem($"has a {dims.Count}-dimensional array");
        return new NpyHeader(dtype, order.Groups[1].Value == "True", dims.ToArray(), length);
    }

    private static void Fill(Stream stream, Span<byte> buffer, Func<string, Exception> problem)
    {
        if (stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false) < buffer.Length)
            throw problem("ends inside its .npy header");
    }

    private static string Shorten(string text) => text.Length > 80 ? text[..80] + "…" : text;

    [GeneratedRegex(@"'descr'\s*:\s*'([^']*)'")]
    private static partial Regex DescrPattern();

    [GeneratedRegex(@"'fortran_order'\s*:\s*(True|False)")]
    private static partial Regex OrderPattern();

    [GeneratedRegex(@"'shape'\s*:\s*\(([^)]*)\)")]
    private static partial Regex ShapePattern();
}
