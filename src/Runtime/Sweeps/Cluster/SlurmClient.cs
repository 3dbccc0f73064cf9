using System.ComponentModel;
using System.Diagnostics;

namespace ViTDsl.Runtime.Cluster;

/// <summary>
/// Slurm's command-line clients, the interface every Slurm cluster offers its users: <c>sbatch</c> submits,
/// <c>squeue</c> tells whether a job is still queued or running, <c>sinfo</c> lists partitions.
/// </summary>
internal sealed class SlurmClient
{
    /// <summary>How long one client command may take before the controller counts as not answering.</summary>
    public TimeSpan CommandTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Checks that the clients are installed and the controller answers, and that the partition (if any) exists.</summary>
    /// <exception cref="ClusterException">A client is missing or the controller does not answer.</exception>
    /// <exception cref="UnknownPartitionException">No partition is named <paramref name="partition"/>.</exception>
    public void EnsureUsable(string? partition)
    {
        foreach (var program in new[] { "sbatch", "squeue", "sinfo" })
            if (FindOnPath(program) is null)
                throw new ClusterException(
                    $"'{program}' is not on the PATH: `--on slurm` submits with Slurm's clients. Run it on the cluster's login node, " +
                    "or install them (Debian: apt-get install slurm-client; a one-node cluster for trying it: sudo bash build/cluster.sh).");
        var partitions = Partitions();
        if (partition is not null && !partitions.Contains(partition))
            throw new UnknownPartitionException(
                $"The cluster has no partition '{partition}' (it has: {string.Join(", ", partitions)}). Pass one of those to --partition, or omit it for the default.");
    }

    /// <summary>The names of the cluster's partitions (the default one without sinfo's '*').</summary>
    public IReadOnlyList<string> Partitions() =>
        Run("sinfo", "-h", "-o", "%P").Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(p => p.TrimEnd('*')).Distinct().ToList();

    /// <summary>Submits a batch script with the given sbatch options; returns the job id.</summary>
    /// <param name="environment">Variables set for sbatch, which hands them on to the job (its default <c>--export=ALL</c>).</param>
    public string Submit(string script, IEnumerable<string> options, IReadOnlyDictionary<string, string>? environment = null)
    {
        var output = Run("sbatch", [.. options, "--parsable", script], environment);
        var id = output.Trim().Split(';')[0]; // "jobid" or "jobid;cluster"
        if (id.Length == 0 || !id.All(char.IsAsciiDigit)) throw new ClusterException($"sbatch answered '{output.Trim()}' instead of a job id.");
        return id;
    }

    /// <summary>True while any task of the job is pending, running or completing.</summary>
    public bool IsQueued(string jobId)
    {
        try { return Run("squeue", "-h", "-j", jobId, "-o", "%i").Trim().Length > 0; }
        catch (ClusterException e) when (e.Message.Contains("Invalid job id", StringComparison.OrdinalIgnoreCase)) { return false; } // long gone
    }

    /// <summary>Cancels a job (all its tasks), or one task <c>jobid_index</c> of an array.</summary>
    public void Cancel(string jobId) => Run("scancel", jobId);

    private string Run(string program, params string[] arguments) => Run(program, arguments, null);

    private string Run(string program, string[] arguments, IReadOnlyDictionary<string, string>? environment)
    {
        var info = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in arguments) info.ArgumentList.Add(a);
        foreach (var (k, v) in environment ?? new Dictionary<string, string>()) info.Environment[k] = v;
        Process process;
        try { process = Process.Start(info)!; }
        catch (Win32Exception e) { throw new ClusterException($"Cannot run '{program}' ({e.Message}): is Slurm's client installed and on the PATH?", e); }
        using (process)
        {
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(CommandTimeout))
            {
                process.Kill(entireProcessTree: true);
                throw new ClusterException($"'{program}' did not answer in {CommandTimeout.TotalSeconds:0} s: is slurmctld running and reachable (scontrol ping)?");
            }
            if (process.ExitCode != 0)
                throw new ClusterException($"'{program} {string.Join(' ', arguments)}' failed (exit {process.ExitCode}): {error.Result.Trim()}");
            return output.Result;
        }
    }

    private static string? FindOnPath(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(folder => Path.Combine(folder, program)).FirstOrDefault(File.Exists);
}
