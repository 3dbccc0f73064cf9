using System.Diagnostics;
using Npgsql;
using ViTDsl.Runtime.Store;

namespace ViTDsl.Tests;

/// <summary>
/// The one-node cluster the store and Slurm tests run on (build/cluster.sh: PostgreSQL, munge, slurmctld, slurmd on
/// localhost). The first test that needs it starts it with that script when this process is root; a test that still
/// cannot reach it fails with the command that starts it. Never skipped: these are the only tests of that code.
/// </summary>
public static class TestCluster
{
    /// <summary>The database build/cluster.sh creates.</summary>
    public const string PostgresUrl = "postgres://vitdsl:vitdsl@localhost:5432/vitdsl";

    private static readonly Lazy<string?> Started = new(Start);

    /// <summary>Fails the test (with the fix) unless PostgreSQL answers.</summary>
    public static void EnsurePostgres()
    {
        if (Started.Value is { } problem && !PostgresAnswers()) throw new Xunit.Sdk.XunitException(problem);
    }

    /// <summary>Fails the test (with the fix) unless PostgreSQL and Slurm's controller answer.</summary>
    public static void EnsureSlurm()
    {
        if (Started.Value is { } problem && !(PostgresAnswers() && SlurmAnswers())) throw new Xunit.Sdk.XunitException(problem);
    }

    // Null when everything answers (started here if need be); otherwise what is wrong and the command that fixes it.
    private static string? Start()
    {
        if (PostgresAnswers() && SlurmAnswers()) return null;
        var script = Script();
        var output = "";
        if (Environment.UserName == "root" && script is not null)
        {
            using var process = Process.Start(new ProcessStartInfo("bash", [script]) { RedirectStandardOutput = true, RedirectStandardError = true })!;
            var stderr = process.StandardError.ReadToEndAsync();
            output = process.StandardOutput.ReadToEnd();
            if (!process.WaitForExit(TimeSpan.FromMinutes(5))) process.Kill(true);
            output += stderr.Result;
            if (PostgresAnswers() && SlurmAnswers()) return null;
        }
        return $"The one-node test cluster (PostgreSQL at {Runtime.Store.PostgresUrl.Redact(PostgresUrl)}, Slurm) is not running: start it with " +
               $"`sudo bash {script ?? "build/cluster.sh"}` and run the tests again. {output.Trim()}";
    }

    private static bool PostgresAnswers()
    {
        try
        {
            using var connection = new NpgsqlConnection(Runtime.Store.PostgresUrl.Parse(PostgresUrl).ConnectionString + ";Timeout=3");
            connection.Open();
            return true;
        }
        catch (NpgsqlException) { return false; }
    }

    private static bool SlurmAnswers()
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo("sinfo", ["-h", "-o", "%T"]) { RedirectStandardOutput = true, RedirectStandardError = true })!;
            var state = process.StandardOutput.ReadToEnd();
            return process.WaitForExit(TimeSpan.FromSeconds(10)) && process.ExitCode == 0 && (state.Contains("idle") || state.Contains("mix") || state.Contains("alloc"));
        }
        catch (System.ComponentModel.Win32Exception) { return false; } // no sinfo
    }

    // build/cluster.sh of the repository the tests were built from.
    private static string? Script()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
            if (File.Exists(Path.Combine(folder.FullName, "build", "cluster.sh"))) return Path.Combine(folder.FullName, "build", "cluster.sh");
        return null;
    }
}
