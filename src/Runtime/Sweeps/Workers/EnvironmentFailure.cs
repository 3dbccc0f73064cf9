using ViTDsl.Runtime.Train.Checkpoints;

namespace ViTDsl.Runtime.Workers;

/// <summary>
/// The failure taxonomy of an attempt: a trial failure (its code, its data, its model) counts against the trial's
/// budget of attempts; an environment failure (the disk filled up, the store became unreachable, the node or the
/// lease was lost, a worker built from other sources than the plan) does not: the trial goes back to pending and the sweep stops, to resume when run again.
/// </summary>
internal static class EnvironmentFailure
{
    // ENOSPC and EDQUOT (Linux errno 28 and 122, which .NET reports as the IOException's HResult); Windows' disk-full codes.
    private static readonly int[] DiskFullCodes = [28, 122, unchecked((int)0x80070070), unchecked((int)0x80070027)];
    private static readonly string[] DiskFullSigns = ["No space left on device", "Disk quota exceeded", "There is not enough space on the disk"];

    /// <summary>What in the environment failed, if <paramref name="e"/> (or an exception it wraps) is an environment failure; else null.</summary>
    public static string? Describe(Exception e)
    {
        for (var x = e; x is not null; x = x.InnerException)
            if (x is BuildMismatchException) return x.Message;
            else if (x is DurableWriteException { DiskFull: true } || x is IOException io && DiskFullCodes.Contains(io.HResult)
                || DiskFullSigns.Any(s => x.Message.Contains(s, StringComparison.OrdinalIgnoreCase)))
                return $"the disk is full ({x.Message.Split('\n')[0].TrimEnd('.')}): free space on it";
        return null;
    }
}

/// <summary>
/// A sweep stopped because its environment failed (see <see cref="EnvironmentFailure"/>): no trial was counted as
/// failed for it; the message says what failed and that running the same command again resumes.
/// </summary>
internal sealed class SweepEnvironmentException(string message, Exception? inner = null) : Exception(message, inner);
