using System.Runtime.InteropServices;

namespace ViTDsl.Runtime.Compute;

/// <summary>
/// Fixes glibc's heap thresholds for the process that trains, so that a step's tensors come from the heap however the
/// process got there. libtorch allocates a step's activations and gradients with malloc and frees them each step;
/// glibc serves large blocks with mmap and trims the heap's top below a threshold that it adjusts from the history of
/// frees. A run resumed from a checkpoint (a sweep's cooldown branch) ended up with thresholds under which every step
/// mapped, faulted in and returned its memory: measured on fashion7-w64d4 in bf16, one thread, 70 ms per step and
/// 13.5 s of system time for 875 steps, against 42 ms and 1.4 s with the thresholds fixed (the same numbers out:
/// test error 0.1408 both ways) and 43 ms for the same run trained from scratch. Fixed thresholds keep up to
/// <see cref="TrimThreshold"/> of freed memory in the process for the next step. Memory measurements want the
/// opposite (every free returned at once, so the resident peak counts live tensors): `probe` and the memory tests run
/// their steps in a process of their own with MALLOC_MMAP_THRESHOLD_ set and never call this.
/// </summary>
internal static class NativeHeap
{
    private const int MTrimThreshold = -1, MMmapThreshold = -3;

    /// <summary>Blocks up to this size come from the heap (glibc's largest allowed mmap threshold on 64-bit).</summary>
    public const int MmapThreshold = 32 << 20;

    /// <summary>Free memory at the heap's top kept for reuse rather than returned to the system.</summary>
    public const int TrimThreshold = 256 << 20;

    private static readonly Lazy<bool> Applied = new(Apply);

    [DllImport("libc", EntryPoint = "mallopt")]
    private static extern int MallOpt(int parameter, int value);

    /// <summary>Sets the thresholds once per process (glibc on Linux; elsewhere nothing); true where they were set.</summary>
    public static bool FixThresholds() => Applied.Value;

    private static bool Apply()
    {
        if (!OperatingSystem.IsLinux()) return false;
        try
        {
            // mallopt returns 1 on success; musl has no such thresholds and returns 0.
            return MallOpt(MMmapThreshold, MmapThreshold) == 1 & MallOpt(MTrimThreshold, TrimThreshold) == 1;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return false;
        }
    }
}
