using System.CommandLine;

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
}
