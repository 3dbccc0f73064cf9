using ViTDsl.Cli;
using ViTDsl.Runtime.Cluster;

namespace ViTDsl.Tests.Cli;

// A sweep on Slurm gives each array task the runner limits a local sweep has: the task command carries --hang-after
// (0 when the watchdog is off), and the hidden slurm-task command accepts what the submitter writes.
public class SlurmTaskOptionsTests
{
    private static readonly System.CommandLine.RootCommand Root = CliApp.Root([], []);

    [Theory]
    [InlineData(3.0, "3")]
    [InlineData(null, "0")]
    public void The_task_command_passes_the_sweeps_hang_after_and_slurm_task_parses_it(double? hangAfter, string written)
    {
        var command = SlurmSweep.TaskCommand("SmokeSweep", "/runs", new SlurmSweep.Options(null, null, 1, Wait: false, TrialTimeLimitSeconds: 60, hangAfter));
        var args = command.Arguments.SkipWhile(a => a != "slurm-task").ToList();
        Assert.Equal(written, args[args.IndexOf("--hang-after") + 1]);

        var parsed = Root.Parse([.. args, "--tasks", "/runs/tasks.txt"]);
        Assert.Empty(parsed.Errors);
        Assert.Equal(hangAfter ?? 0, parsed.GetValue<double>("--hang-after"));
    }

    [Fact]
    public void A_task_started_without_hang_after_keeps_the_default_watchdog()
    {
        var parsed = Root.Parse(["slurm-task", "SmokeSweep", "--trial-timeout", "60", "--tasks", "/runs/tasks.txt"]);
        Assert.Empty(parsed.Errors);
        Assert.Equal(Runtime.Workers.SweepRunnerOptions.DefaultHangAfter, parsed.GetValue<double>("--hang-after"));
    }
}
