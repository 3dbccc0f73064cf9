using System.CommandLine;
using System.Reflection;
using ViTDsl.Runtime.Cluster;
using ViTDsl.Runtime.Store;
using ViTDsl.Runtime.Workers;

namespace ViTDsl.Cli;

/// <summary>
/// `vitdsl slurm-task NAME`: one task of a sweep's Slurm job array (started by the batch script `sweep --on slurm`
/// writes). Runs its line of the task list with the usual worker processes against the shared store. Not for people.
/// </summary>
internal static class SlurmTaskCommand
{
    public static Command Create()
    {
        var name = new Argument<string>("name") { Description = "The sweep." };
        var runs = CommonOptions.Runs();
        var store = StoreLocation.Option();
        var tasks = new Option<string>("--tasks") { Description = "The task list (one line of trial names per array task).", Required = true };
        var index = new Option<int?>("--index") { Description = $"Which line (default: ${SlurmArray.TaskIndexVariable})." };
        var trialTimeout = new Option<double>("--trial-timeout") { Description = "Seconds one trial attempt may run.", Required = true };
        var hangAfter = CommonOptions.HangAfter();
        var command = new Command("slurm-task", "Run one task of a sweep's Slurm job array (started by `vitdsl sweep NAME --on slurm`).") { Hidden = true };
        command.Arguments.Add(name);
        foreach (var option in new Option[] { runs, store, tasks, index, trialTimeout, hangAfter }) command.Options.Add(option);
        command.SetAction(async (parsed, cancellation) =>
        {
            var task = parsed.GetValue(index)
                ?? (int.TryParse(Environment.GetEnvironmentVariable(SlurmArray.TaskIndexVariable), out var i) ? i
                    : throw new UsageException($"No task index: pass --index or run it as a Slurm array task (${SlurmArray.TaskIndexVariable})."));
            var trials = SlurmArray.ReadTask(parsed.GetValue(tasks)!, task);
            var root = parsed.GetValue(runs)!;
            using var results = ResultsStore.Open(StoreLocation.Resolve(parsed.GetValue(store), root));
            var runner = new SweepRunner(results, new SweepRunnerOptions
            {
                Worker = WorkerCommand.Dotnet(Assembly.GetEntryAssembly()!.Location, "worker"),
                RunRoot = root,
                TrialTimeLimit = TimeSpan.FromSeconds(parsed.GetValue(trialTimeout)),
                HangAfter = CommonOptions.HangAfterFactor(parsed.GetValue(hangAfter)),
            });
            var job = Environment.GetEnvironmentVariable("SLURM_ARRAY_JOB_ID");
            Console.WriteLine($"task {task}{(job is null ? "" : $" of job {job}")} on {Environment.MachineName}: {string.Join(", ", trials)}");
            var summary = await runner.RunTrialsAsync(parsed.GetValue(name)!, trials,
                new Progress<SweepProgress>(p => { if (p.Event is { } e) Console.WriteLine($"{DateTime.UtcNow:HH:mm:ss} {e}"); }), cancellation);
            return summary.Cancelled ? ExitCodes.Interrupted : summary.Failed > 0 ? ExitCodes.Failure : ExitCodes.Success;
        });
        return command;
    }
}
