namespace ViTDsl.Runtime.Weights;

/// <summary>
/// Opens a weight file by its format: safetensors (<c>.safetensors</c>), numpy's npz (<c>.npz</c>, big_vision). Pickle
/// files (<c>.pt</c>, <c>.pth</c>, <c>.bin</c>, <c>.ckpt</c> from PyTorch) are refused without being read: unpickling runs
/// code from the file.
/// </summary>
internal static class WeightFiles
{
    /// <summary>The zip magic numpy's npz starts with, and the magic of a PyTorch zip pickle (which is also a zip).</summary>
    private static readonly byte[] ZipMagic = "PK\x03\x04"u8.ToArray();

    public static WeightSet Read(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"{path} does not exist.", path);
        return FormatOf(path) switch
        {
            WeightFormat.Npz => NpzFile.Read(path),
            WeightFormat.SafeTensors => SafeTensorsFile.Read(path),
            _ => throw Refused(path),
        };
    }

    /// <summary>The format by extension; a pickle is refused by extension or by its first bytes.</summary>
    public static WeightFormat FormatOf(string path)
    {
        var extension = Path.GetExtension(path).ToLowerInvariant();
        if (extension is ".pt" or ".pth" or ".bin" or ".pkl" or ".pickle") return WeightFormat.Pickle;
        if (extension == ".npz") return WeightFormat.Npz;
        if (extension == ".safetensors") return WeightFormat.SafeTensors;
        // Unknown extension: numpy's npz is a zip, a pickle starts with 0x80 (protocol 2+), safetensors with a length.
        if (!File.Exists(path)) return WeightFormat.SafeTensors; // a file about to be written
        Span<byte> start = stackalloc byte[4];
        using var file = File.OpenRead(path);
        int read = file.ReadAtLeast(start, 4, throwOnEndOfStream: false);
        if (read >= 1 && start[0] == 0x80) return WeightFormat.Pickle;
        return read == 4 && start.SequenceEqual(ZipMagic) ? WeightFormat.Npz : WeightFormat.SafeTensors;
    }

    private static InvalidDataException Refused(string path) => new(
        $"{path} is a PyTorch pickle, which ViTDsl never unpickles (loading it would run code from the file): convert it once with " +
        $"`python3 -c \"import torch; from safetensors.torch import save_file; save_file(torch.load('{path}', map_location='cpu'), '{Path.ChangeExtension(path, ".safetensors")}')\"` " +
        "(state dict of tensors; pip install safetensors) and pass the .safetensors file.");
}

/// <summary>The weight file formats ViTDsl reads.</summary>
internal enum WeightFormat { SafeTensors, Npz, Pickle }
