using TorchSharp;
using ViTDsl.Runtime.Train.Checkpoints;
using ViTDsl.Tests.Data;

namespace ViTDsl.Tests.Train;

public class CheckpointFolderTests : IDisposable
{
    private readonly TempDirectory dir = new();
    public void Dispose() => dir.Dispose();

    private static void Write(CheckpointFolder folder, long step)
    {
        using var t = torch.full([3], (float)step);
        Checkpoint.Write(folder.PathFor(step), new CheckpointHeader("Decl", step, 0, new(0, step)), [new("w", t)]);
    }

    [Fact]
    public void Latest_is_the_newest_valid_checkpoint_and_damaged_ones_are_named()
    {
        var folder = new CheckpointFolder(dir.Path);
        Assert.Null(folder.Latest(out _));
        foreach (long step in new[] { 100L, 200L, 1_000L }) Write(folder, step);
        Assert.Equal(new[] { 1_000L, 200L, 100L }, folder.Steps());
        Assert.Equal(1_000L, folder.Latest(out var none)!.Value.Header.Step);
        Assert.Empty(none);

        var newest = File.ReadAllBytes(folder.PathFor(1_000));
        File.WriteAllBytes(folder.PathFor(1_000), newest.AsSpan(0, newest.Length - 3).ToArray());
        var latest = folder.Latest(out var skipped);
        Assert.Equal(200L, latest!.Value.Header.Step);
        Assert.Contains(folder.PathFor(1_000), Assert.Single(skipped));
    }

    [Fact]
    public void Prune_keeps_the_newest()
    {
        var folder = new CheckpointFolder(dir.Path);
        foreach (long step in new[] { 1L, 2L, 3L, 4L }) Write(folder, step);
        folder.Prune(keep: 2);
        Assert.Equal(new[] { 4L, 3L }, folder.Steps());
    }
}
