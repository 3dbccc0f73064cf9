using System.Diagnostics;
using TorchSharp;
using ViTDsl.Runtime.Data;
using ViTDsl.Runtime.Train.Checkpoints;
using ViTDsl.Tests.Data;

namespace ViTDsl.Tests.Train;

/// <summary>
/// A checkpoint written to a full disk: a real one, a 1 MiB tmpfs, when this process may mount (root, as the CI
/// runs); otherwise the atomic-write path is given a stream that fails as a full disk does (ENOSPC).
/// </summary>
public sealed class FullDiskTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly bool _mounted;

    public FullDiskTests() => _mounted = Run("mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", _dir.Path);

    public void Dispose()
    {
        if (_mounted) Run("umount", _dir.Path);
        _dir.Dispose();
    }

    private static bool Run(string program, params string[] arguments)
    {
        try
        {
            var info = new ProcessStartInfo(program) { RedirectStandardError = true, RedirectStandardOutput = true };
            foreach (var a in arguments) info.ArgumentList.Add(a);
            using var process = Process.Start(info)!;
            process.WaitForExit();
            return process.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception) { return false; }
    }

    private static CheckpointHeader Header(long step) => new("Disk.Full", step, Seed: 1, Data: new DataPosition(0, step));

    [Fact]
    public void A_checkpoint_that_does_not_fit_on_the_disk_fails_clearly_and_leaves_the_previous_one_intact()
    {
        var folder = new CheckpointFolder(_dir.Path);
        var previous = folder.PathFor(100);
        Checkpoint.Write(previous, Header(100), [new("w", torch.ones(1000))]); // 4 kB: fits
        var before = File.ReadAllBytes(previous);
        var next = folder.PathFor(200);

        var e = Assert.Throws<DurableWriteException>(() =>
        {
            if (_mounted)
                Checkpoint.Write(next, Header(200), [new("w", torch.ones(1 << 19))]); // 2 MiB on a 1 MiB disk
            else
                DurableFile.WriteAtomically(next, stream =>
                {
                    stream.Write(new byte[4096]);
                    throw new IOException("No space left on device", 28);
                });
        });

        Assert.True(e.DiskFull, e.Message);
        Assert.Contains(next, e.Message);
        Assert.Contains("is full", e.Message);
        Assert.Contains("Free some space", e.Message);
        Assert.Equal(before, File.ReadAllBytes(previous));
        Assert.Equal([previous], Directory.GetFiles(_dir.Path)); // neither the new file nor its temporary
        Assert.Equal(100, folder.Latest(out _)!.Value.Header.Step);
        using var loaded = Checkpoint.Read(previous);
        Assert.True(loaded["w"].eq(1f).all().item<bool>());
    }
}
