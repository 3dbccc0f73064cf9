using System.Diagnostics;
using System.Globalization;

namespace ViTDsl.Runtime.Store;

/// <summary>
/// A process that runs sweeps: its pid, host and start time (the start time tells a reused pid from the original).
/// </summary>
internal sealed record RunnerIdentity(int Pid, string Host, DateTimeOffset? ProcessStart)
{
    /// <summary>This process.</summary>
    public static RunnerIdentity Current { get; } = new(Environment.ProcessId, Environment.MachineName, StartOf(Environment.ProcessId));

    /// <summary>
    /// Whether this identity's process still runs, as far as <paramref name="observer"/> can tell: a process on another
    /// host cannot be looked at, so it counts as alive (its lease then expires only by going stale).
    /// </summary>
    public bool IsAliveSeenFrom(RunnerIdentity observer)
    {
        if (!string.Equals(Host, observer.Host, StringComparison.Ordinal)) return true;
        var start = StartOf(Pid);
        if (start is null) return false;
        // A pid reused by a later process has a later start time (clock readings of one process agree to the tick;
        // a second of slack covers start times rounded differently by another runtime).
        return ProcessStart is null || (start.Value - ProcessStart.Value).Duration() < TimeSpan.FromSeconds(1);
    }

    public override string ToString() => $"pid {Pid} on host {Host}";

    // The start time of a running process, or null when there is none (or only its zombie is left).
    private static DateTimeOffset? StartOf(int pid)
    {
        try
        {
            if (OperatingSystem.IsLinux())
            {
                var stat = File.ReadAllText($"/proc/{pid}/stat");
                if (stat[stat.LastIndexOf(')') + 2] is 'Z' or 'X') return null; // exited, not yet reaped
            }
            using var process = Process.GetProcessById(pid);
            return process.HasExited ? null : new DateTimeOffset(process.StartTime.ToUniversalTime(), TimeSpan.Zero);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    internal static string? Format(DateTimeOffset? time) => time?.ToString("O", CultureInfo.InvariantCulture);
}

/// <summary>
/// The right to run one sweep of a store (or one trial of it): held by one runner at a time, renewed while it runs,
/// released when it ends.
/// </summary>
/// <param name="Token">Tells this holding apart from any other, even by the same process.</param>
internal sealed record RunnerLease(string Sweep, string Token, RunnerIdentity Holder, DateTimeOffset Since, DateTimeOffset Renewed)
{
    /// <summary>The trial this lease is for; null: the whole sweep.</summary>
    public string? Trial { get; init; }
}

/// <summary>Another runner that is alive holds the sweep: this one must not run it too.</summary>
internal sealed class SweepLeaseHeldException(string message) : StoreException(message)
{
    /// <summary>The lease that is held.</summary>
    public required RunnerLease Held { get; init; }
}

/// <summary>
/// A running runner found that another runner took its lease (it had stopped renewing it for too long), or could not
/// renew it in time; a write fenced by a lease no longer held (nothing was written).
/// </summary>
internal sealed class SweepLeaseLostException(string message, Exception? inner = null) : StoreException(message, inner);
