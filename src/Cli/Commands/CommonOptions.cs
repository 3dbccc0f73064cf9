using System.CommandLine;
using ViTDsl.Runtime.Workers;

namespace ViTDsl.Cli;

/// <summary>Options shared by several commands, defined once so they read the same everywhere.</summary>
internal static class CommonOptions
{
    public static Option<string> Runs() => new("--runs")
    {
        Description = "Folder of run folders (checkpoints, metrics, results).",
        DefaultValueFactory = _ => "runs",
    };

    public static Option<int?> Threads()
    {
        var threads = new Option<int?>("--threads") { Description = "CPU threads for TorchSharp (default: all cores)." };
        threads.Validators.Add(r => { if (r.GetValueOrDefault<int?>() < 1) r.AddError("--threads must be at least 1"); });
        return threads;
    }

    /// <summary>
    /// --hang-after, for `sweep` and for the Slurm tasks it starts (which get the sweep's value on their command line).
    /// </summary>
    public static Option<double> HangAfter()
    {
        var hangAfter = new Option<double>("--hang-after")
        {
            Description = "Stop a trial attempt as hung when it reports no training step for N times its recent interval between steps " +
                          "(and for at least 2 minutes), killing its worker if it does not stop, and retry it from its last checkpoint; 0: never.",
            DefaultValueFactory = _ => SweepRunnerOptions.DefaultHangAfter,
        };
        hangAfter.Validators.Add(r => { if (r.GetValueOrDefault<double>() is var n && n != 0 && !(n >= 2 && n <= 1e6)) r.AddError($"--hang-after must be 0 (never) or a factor from 2 to 1e6 (got {n})"); });
        return hangAfter;
    }

    /// <summary>--hang-after as the runner takes it (<see cref="SweepRunnerOptions.HangAfter"/>): null for 0 (never).</summary>
    public static double? HangAfterFactor(double option) => option > 0 ? option : null;
}
