using System.Diagnostics;
using ViTDsl.Runtime.Cluster;
using ViTDsl.Runtime.Workers;
using ViTDsl.Tests.Store;

namespace ViTDsl.Tests.Sweeps;

public sealed class SlurmArrayTests : IDisposable
{
    private readonly TempFolder _dir = new();

    [Fact]
    public void Trials_are_grouped_one_task_per_lineage_keeping_the_order_given()
    {
        // The sweep's order: the longest run of each lineage first, lineages interleaved.
        var array = SlurmArray.Of("s", [("a-800", "A"), ("b-800", "B"), ("a-400", "A"), ("b-400", "B"), ("a-200", "A")]);
        Assert.Equal(2, array.Tasks.Count);
        Assert.Equal(["a-800", "a-400", "a-200"], array.Tasks[0]);
        Assert.Equal(["b-800", "b-400"], array.Tasks[1]);
    }

    [Fact]
    public void The_batch_script_runs_the_task_command_word_for_word_and_each_task_reads_its_own_line()
    {
        var array = SlurmArray.Of("s", [("model=x,steps=20", "A"), ("model=y,steps=20", "B")]);
        var script = array.Write(_dir.File("slurm folder"), new WorkerCommand("/bin/echo", ["it's", "a  b", "$HOME"]));

        using var bash = Process.Start(new ProcessStartInfo("bash", [script]) { RedirectStandardOutput = true })!;
        var words = bash.StandardOutput.ReadToEnd().TrimEnd('\n');
        bash.WaitForExit();
        var list = Directory.GetFiles(_dir.File("slurm folder"), "tasks-*.txt").Single();
        Assert.Equal($"it's a  b $HOME --tasks {list}", words); // quotes, spaces and $ reach the program untouched

        Assert.Equal(["model=y,steps=20"], SlurmArray.ReadTask(list, 1));
        Assert.Contains("has 2 tasks, no task 2", Assert.Throws<ArgumentException>(() => SlurmArray.ReadTask(list, 2)).Message);
    }

    public void Dispose() => _dir.Dispose();
}
