using System.Diagnostics;
using System.Runtime.InteropServices;

namespace ViTDsl.Runtime.Compute;

/// <summary>
/// Processor time of this process, all threads, at nanosecond resolution (clock_gettime's CLOCK_PROCESS_CPUTIME_ID on
/// Linux; .NET's coarser counter elsewhere). What a measurement cost in processor time does not depend on how busy
/// the machine is, which its wall time does.
/// </summary>
internal static class ProcessorTime
{
    private const int ClockProcessCpuTimeId = 2;

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec { public long Seconds; public long Nanoseconds; }

    [DllImport("libc", EntryPoint = "clock_gettime")]
    private static extern int ClockGetTime(int clock, out TimeSpec time);

    /// <summary>Seconds of processor time this process has used so far.</summary>
    public static double Seconds()
    {
        if (OperatingSystem.IsLinux() && ClockGetTime(ClockProcessCpuTimeId, out var t) == 0) return t.Seconds + t.Nanoseconds * 1e-9;
        return Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds;
    }

    /// <summary>
    /// Runs <paramref name="work"/> and returns the smaller of its wall time and its processor time per thread: on an
    /// idle machine they agree; on a busy one the processor time is what the work costs.
    /// </summary>
    public static double IdleSeconds(Action work, int threads)
    {
        var cpu = Seconds();
        var wall = Stopwatch.StartNew();
        work();
        var elapsed = wall.Elapsed.TotalSeconds;
        return Math.Min(elapsed, (Seconds() - cpu) / Math.Max(1, threads));
    }
}
