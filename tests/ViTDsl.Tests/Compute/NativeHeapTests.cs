using ViTDsl.Runtime.Compute;

namespace ViTDsl.Tests.Compute;

public class NativeHeapTests
{
    [Fact]
    public void Glibc_accepts_the_thresholds()
    {
        // glibc refuses an mmap threshold above half its largest heap (32 MiB on 64-bit) and mallopt then returns 0:
        // a value out of range would silently leave the history-dependent thresholds in place.
        if (!OperatingSystem.IsLinux() || !File.Exists("/lib/x86_64-linux-gnu/libc.so.6") && !File.Exists("/lib/aarch64-linux-gnu/libc.so.6")) return;
        Assert.True(NativeHeap.FixThresholds());
        Assert.True(NativeHeap.MmapThreshold <= 32 << 20);
    }
}
