using System.CommandLine;
using ViTDsl.Runtime.Models;
using ViTDsl.Runtime.Workers;

namespace ViTDsl.Cli;

/// <summary>`vitdsl worker`: the worker side of `sweep` (speaks the multiplexed protocol on stdin/stdout). Not for people.</summary>
internal static class WorkerEntryCommand
{
    public static Command Create(IReadOnlyList<GeneratedExperiment> experiments, IReadOnlyList<GeneratedSweep> sweeps)
    {
        var command = new Command("worker", "Run trials for a sweep runner over stdin/stdout (started by `vitdsl sweep`).") { Hidden = true };
        // Names resolve as on the command line (qualified, or short when unique); a duplicate short name fails only the trial that uses it.
        command.SetAction((_, cancellation) =>
            WorkerHost.RunStdioAsync(new TrainingTrialRunner(name => Find(name, experiments, sweeps),
                trial => sweeps.FirstOrDefault(s => s.Trials.Contains(trial))?.Trials ?? []), cancellation));
        return command;
    }

    private static GeneratedExperiment Find(string name, IReadOnlyList<GeneratedExperiment> experiments, IReadOnlyList<GeneratedSweep> sweeps)
    {
        try { return CatalogLookup.Experiment(name, experiments, sweeps); }
        catch (UsageException e) { throw new InvalidOperationException(e.Message); }
    }
}
