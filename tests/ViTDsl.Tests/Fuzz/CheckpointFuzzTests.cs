using System.Security.Cryptography;
using TorchSharp;
using ViTDsl.Runtime.Data;
using ViTDsl.Runtime.Train.Checkpoints;
using ViTDsl.Tests.Data;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace ViTDsl.Tests.Fuzz;

/// <summary>Random truncations and byte flips of checkpoint files (FsCheck).</summary>
public sealed class CheckpointFuzzTests(ITestOutputHelper output) : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    private static Dictionary<string, Tensor> Tensors(int seed)
    {
        var generator = new torch.Generator((ulong)seed);
        return new()
        {
            ["model/w"] = torch.randn([6, 5], generator: generator),
            ["model/b"] = torch.randn([5], generator: generator).to(ScalarType.BFloat16),
            ["optim/count"] = torch.tensor(7L),
            ["empty"] = torch.zeros(0, 3),
        };
    }

    private static CheckpointHeader Header(long step) => new("Fuzz.Tiny", step, Seed: 3, Data: new DataPosition(1, step)) { RngState = "AAEC" };

    [Fact]
    public void A_damaged_checkpoint_is_refused_naming_the_file_and_the_fix_and_the_run_falls_back_to_the_previous_one()
    {
        var folder = new CheckpointFolder(_dir.Path);
        Checkpoint.Write(folder.PathFor(100), Header(100), Tensors(1));
        Checkpoint.Write(folder.PathFor(200), Header(200), Tensors(2));
        var newest = folder.PathFor(200);
        var original = File.ReadAllBytes(newest);
        var outcomes = new Outcomes();

        Fuzzing.Run(150, damage =>
        {
            File.WriteAllBytes(newest, damage.Apply(original));
            var e = Assert.Throws<InvalidDataException>(() => Fuzzing.Within(Patience, () => Checkpoint.Read(newest), newest));
            Assert.Contains(newest, e.Message);
            Assert.Contains("delete it to resume from the previous checkpoint", e.Message);
            outcomes.Add(e.Message.Contains("checksum") ? "refused: checksum" : e.Message.Contains("end marker") ? "refused: end marker" : "refused: too short");

            var latest = folder.Latest(out var skipped);
            Assert.Equal(100, latest!.Value.Header.Step); // recovery: the previous checkpoint, intact
            Assert.Contains(newest, Assert.Single(skipped));
        });
        output.WriteLine($"checkpoints, {outcomes.Total} damaged files: {outcomes}");
        Assert.Equal(150, outcomes.Total);
    }

    [Fact]
    public void A_checkpoint_damaged_before_its_checksum_was_computed_is_refused_as_malformed_or_read_as_written()
    {
        // A file whose checksum matches damaged contents (another program or a bug wrote it): the parser itself must
        // hold, refusing impossible lengths, ranks and types before it allocates anything.
        var path = _dir.File("step-00000300.ckpt");
        Checkpoint.Write(path, Header(300), Tensors(3));
        var original = File.ReadAllBytes(path);
        var body = original[..^40];
        var outcomes = new Outcomes();

        Fuzzing.Run(200, damage =>
        {
            var damaged = damage.Apply(body);
            File.WriteAllBytes(path, [.. damaged, .. SHA256.HashData(damaged), .. "VITDSLND"u8]);
            try
            {
                using var loaded = Fuzzing.Within(Patience, () => Checkpoint.Read(path), path);
                foreach (var (name, tensor) in loaded.Tensors)
                    Assert.Equal(tensor.numel() * tensor.ElementSize, tensor.bytes.Length);
                outcomes.Add("read (names or values as damaged)");
            }
            catch (InvalidDataException e)
            {
                Assert.Contains(path, e.Message);
                outcomes.Add(e.Message.Contains("malformed") ? "refused: malformed" : "refused: other");
            }
        });
        output.WriteLine($"re-sealed checkpoints, {outcomes.Total} cases: {outcomes}");
        Assert.True(outcomes["refused: malformed"] > 0);
    }
}
