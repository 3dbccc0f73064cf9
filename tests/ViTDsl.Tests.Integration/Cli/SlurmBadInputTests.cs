using ViTDsl.Tests.Store;

namespace ViTDsl.Tests.Cli;

// `sweep --on slurm` with something wrong: one line naming the problem and the fix, and nothing submitted (the batch
// script is written just before sbatch runs, so no script means no job).
public sealed class SlurmBadInputTests : IDisposable
{
    private readonly TempFolder _dir = new();

    public SlurmBadInputTests() => TestCluster.EnsureSlurm();

    private string Runs => _dir.File("runs");

    private (int Code, string Line) Submit(string store, string[]? extra = null, params (string, string)[] environment)
    {
        var (code, error) = CliFailureTests.Run(["sweep", "SmokeSweep", "--on", "slurm", "--runs", Runs, "--store", store, .. extra ?? []],
            [("VITDSL_STORE", ""), .. environment]);
        Assert.False(Directory.Exists(Path.Combine(Runs, "SmokeSweep", "slurm")), "nothing may be submitted");
        return (code, Assert.Single(error));
    }

    [Fact]
    public void An_sqlite_store_is_refused_naming_the_shared_store_to_pass()
    {
        var (code, line) = Submit(_dir.File("results.db"));
        Assert.Equal(ExitCodes.UsageError, code);
        Assert.Contains("needs a results store every node can write to", line);
        Assert.Contains("--store postgres://", line);
    }

    [Fact]
    public void An_unreachable_database_is_named_with_its_host_and_port()
    {
        var (code, line) = Submit("postgres://vitdsl:secret@localhost:1/vitdsl");
        Assert.Equal(ExitCodes.Failure, code);
        Assert.Contains("Cannot reach the PostgreSQL server", line);
        Assert.Contains("localhost:1", line);
        Assert.DoesNotContain("secret", line); // the password never reaches a message
    }

    [Fact]
    public void A_missing_sbatch_says_where_to_run_or_what_to_install()
    {
        var bin = Directory.CreateDirectory(_dir.File("bin")).FullName; // a PATH with dotnet and nothing of Slurm
        File.CreateSymbolicLink(Path.Combine(bin, "dotnet"), new FileInfo("/usr/bin/dotnet").ResolveLinkTarget(true)?.FullName ?? "/usr/bin/dotnet");
        var (code, line) = Submit(TestCluster.PostgresUrl, null, ("PATH", bin));
        Assert.Equal(ExitCodes.Failure, code);
        Assert.Contains("'sbatch' is not on the PATH", line);
        Assert.Contains("login node", line);
    }

    [Fact]
    public void An_unknown_partition_lists_the_cluster_s_partitions()
    {
        var (code, line) = Submit(TestCluster.PostgresUrl, ["--partition", "nonesuch"]);
        Assert.Equal(ExitCodes.UsageError, code);
        Assert.Contains("no partition 'nonesuch' (it has: debug)", line);
    }

    public void Dispose() => _dir.Dispose();
}
