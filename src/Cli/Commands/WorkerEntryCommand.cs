using System.CommandLine;
using ViTDsl.Runtime.Models;
using ViTDsl.Runtime.Workers;

namespace ViTDsl.Experiments.Cli;

/// <summary>`vitdsl worker`: the worker side of `sweep` (speaks the multiplexed protocol on stdin/stdout). Not for people.</summary>
public static class WorkerEntryCommand
{
    public static Command Create(IReadOnlyList<GeneratedExperiment> experiments, IReadOnlyList<GeneratedSweep> sweeps)
    {
        var command = new Command("worker", "Run trials for a sweep runner over stdin/stdout (started by `vitdsl sweep`).") { Hidden = true };
        var byName = experiments.Concat(sweeps.SelectMany(s => s.Trials)).ToDictionary(e => e.Name);
        command.SetAction((_, cancellation) =>
            WorkerHost.RunStdioAsync(new TrainingTrialRunner(name => byName.GetValueOrDefault(name)), cancellation));
        return command;
    }
}
