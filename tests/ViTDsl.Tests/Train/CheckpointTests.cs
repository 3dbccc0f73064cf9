using TorchSharp;
using ViTDsl.Runtime.Data;
using ViTDsl.Runtime.Train.Checkpoints;
using ViTDsl.Tests.Data;
using static TorchSharp.torch;

namespace ViTDsl.Tests.Train;

public class CheckpointTests : IDisposable
{
    private readonly TempDirectory dir = new();
    public void Dispose() => dir.Dispose();

    private static readonly CheckpointHeader Header =
        new("ScalingVit.VitTi16", Step: 1234, Seed: 42, Data: new DataPosition(3, 17)) { RngState = "AAECAw==" };

    private static Dictionary<string, Tensor> Tensors()
    {
        var generator = new torch.Generator(7);
        return new()
        {
            ["model/head.weight"] = torch.randn([10, 16], generator: generator),
            ["model/head.bias"] = torch.full([10], -10f),
            ["optim/momentum"] = torch.randn([4, 5], generator: generator).to(ScalarType.BFloat16),
            ["optim/count"] = torch.tensor(99L),
            ["transposed"] = torch.arange(12f).reshape(3, 4).t(), // not contiguous
            ["empty"] = torch.zeros(0, 3),
        };
    }

    [Fact]
    public void Round_trip_keeps_every_tensor_bit_for_bit_and_the_header()
    {
        var tensors = Tensors();
        string path = dir.File("step-1234.ckpt");
        Checkpoint.Write(path, Header, tensors);
        using var loaded = Checkpoint.Read(path);
        Assert.Equal(Header, loaded.Header);
        Assert.Equal(tensors.Keys.Order(), loaded.Tensors.Keys.Order());
        foreach (var (name, t) in tensors)
        {
            var back = loaded[name];
            Assert.Equal(t.dtype, back.dtype);
            Assert.Equal(t.shape, back.shape);
            Assert.True(t.eq(back).all().item<bool>(), name);
        }
        Assert.Equal(Header, Checkpoint.ReadHeader(path));
        Assert.Single(Directory.GetFiles(dir.Path)); // no temporary file left behind
        Assert.Contains("it holds", Assert.Throws<KeyNotFoundException>(() => loaded["nope"]).Message);
    }

    [Fact]
    public void A_module_state_dict_restores_into_a_fresh_module()
    {
        using var source = nn.Linear(8, 3);
        string path = dir.File("linear.ckpt");
        Checkpoint.Write(path, Header, source.state_dict());
        using var target = nn.Linear(8, 3);
        using var loaded = Checkpoint.Read(path);
        target.load_state_dict(new Dictionary<string, Tensor>(loaded.Tensors));
        using var x = torch.ones(2, 8);
        Assert.True(source.forward(x).eq(target.forward(x)).all().item<bool>());
    }

    [Theory]
    [InlineData(1)]
    [InlineData(41)]
    [InlineData(500)]
    public void A_truncated_checkpoint_is_refused(int cut)
    {
        string path = dir.File("c.ckpt");
        Checkpoint.Write(path, Header, Tensors());
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes.AsSpan(0, bytes.Length - cut).ToArray());
        var e = Assert.Throws<InvalidDataException>(() => Checkpoint.Read(path));
        Assert.Contains("corrupt or truncated", e.Message);
        Assert.Contains("resume from the previous checkpoint", e.Message);
    }

    [Fact]
    public void A_flipped_byte_anywhere_is_caught_by_the_checksum()
    {
        string path = dir.File("c.ckpt");
        Checkpoint.Write(path, Header, Tensors());
        var original = File.ReadAllBytes(path);
        foreach (int at in new[] { 3, 40, original.Length / 2, original.Length - 45 })
        {
            var bytes = (byte[])original.Clone();
            bytes[at] ^= 0x10;
            File.WriteAllBytes(path, bytes);
            Assert.Contains("checksum", Assert.Throws<InvalidDataException>(() => Checkpoint.Read(path)).Message);
        }
    }

    [Fact]
    public void A_failed_write_leaves_the_previous_checkpoint_intact()
    {
        string path = dir.File("c.ckpt");
        Checkpoint.Write(path, Header, Tensors());
        var before = File.ReadAllBytes(path);
        var broken = Tensors();
        broken["model/head.bias"].Dispose(); // fails mid-write, after other tensors were written
        Assert.ThrowsAny<Exception>(() => Checkpoint.Write(path, Header with { Step = 9999 }, broken));
        Assert.Equal(before, File.ReadAllBytes(path));
        Assert.Single(Directory.GetFiles(dir.Path));
        Assert.Equal(1234, Checkpoint.ReadHeader(path).Step);
    }

    [Fact]
    public void A_missing_checkpoint_names_its_path()
    {
        Assert.Contains(dir.File("none.ckpt"), Assert.Throws<FileNotFoundException>(() => Checkpoint.Read(dir.File("none.ckpt"))).Message);
    }
}
