using System.IO.Compression;
using ViTDsl.Runtime.Weights;
using ViTDsl.Tests.Data;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace ViTDsl.Tests.Fuzz;

/// <summary>
/// Random truncations and byte flips of safetensors and npz files (FsCheck): every damaged file is either refused with
/// one line naming the file, or read with every tensor the size its header declares. Neither format checksums its data,
/// so a flipped data byte reads as a different number (npz's zip CRC catches it in a compressed or stored entry).
/// </summary>
public sealed class WeightFileFuzzTests(ITestOutputHelper output) : IDisposable
{
    private readonly TempDirectory dir = new();
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    public void Dispose() => dir.Dispose();

    private static List<KeyValuePair<string, Tensor>> Tensors()
    {
        using var generator = new TorchSharp.torch.Generator(3);
        return
        [
            KeyValuePair.Create("blocks.0.attn.qkv.weight", randn([12, 4], generator: generator)),
            KeyValuePair.Create("pos_embed", randn([1, 5, 4], dtype: float64, generator: generator)),
            KeyValuePair.Create("head.bias", randn([3], generator: generator)),
        ];
    }

    [Fact]
    public void A_damaged_safetensors_file_is_refused_in_one_line_or_read_with_the_sizes_its_header_declares()
    {
        var path = dir.File("weights.safetensors");
        SafeTensorsFile.Write(path, Tensors());
        var original = File.ReadAllBytes(path);
        var outcomes = new Outcomes();
        Fuzzing.Run(300, damage =>
        {
            File.WriteAllBytes(path, damage.Apply(original));
            Outcome(outcomes, path, damage, () => SafeTensorsFile.Read(path));
        });
        output.WriteLine($"safetensors, {outcomes.Total} damaged files: {outcomes}");
        Assert.True(outcomes["refused"] > 0);
    }

    [Theory]
    [InlineData(CompressionLevel.NoCompression)]
    [InlineData(CompressionLevel.Optimal)]
    public void A_damaged_npz_file_is_refused_in_one_line_or_read_with_the_sizes_its_headers_declare(CompressionLevel level)
    {
        var path = dir.File("weights.npz");
        NpzFile.Write(path, Tensors(), level);
        var original = File.ReadAllBytes(path);
        var outcomes = new Outcomes();
        Fuzzing.Run(300, damage =>
        {
            File.WriteAllBytes(path, damage.Apply(original));
            Outcome(outcomes, path, damage, () => NpzFile.Read(path));
        });
        output.WriteLine($"npz ({level}), {outcomes.Total} damaged files: {outcomes}");
        Assert.True(outcomes["refused"] > 0);
    }

    private static void Outcome(Outcomes outcomes, string path, Damage damage, Func<WeightSet> read)
    {
        try
        {
            using var set = Fuzzing.Within(Patience, read, path);
            foreach (var (_, tensor) in set.Tensors) Assert.Equal(tensor.numel() * tensor.element_size(), tensor.bytes.Length);
            outcomes.Add("read");
        }
        catch (InvalidDataException e)
        {
            Assert.StartsWith(path, e.Message);
            Assert.DoesNotContain('\n', e.Message);
            outcomes.Add("refused");
        }
    }
}
