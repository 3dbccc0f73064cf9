using ViTDsl.Runtime.Models;

namespace ViTDsl.Cli;

/// <summary>
/// The <c>vitdsl</c> command line for the experiments of one assembly. The generated catalog is internal to the
/// assembly that declares the experiments, so that assembly hands it over from its own entry point:
/// <code>return ViTDsl.Cli.Vitdsl.Run(args, ViTDsl.Generated.ExperimentCatalog.All, ViTDsl.Generated.ExperimentCatalog.Sweeps);</code>
/// Sweep workers are started as <c>dotnet &lt;entry assembly&gt; worker</c>, so that entry point must be this call.
/// </summary>
public static class Vitdsl
{
    /// <summary>
    /// Parses and runs <paramref name="args"/>; returns the process's exit code (<see cref="ExitCodes"/>).
    /// A project adds its own <paramref name="commands"/> beside the built-in ones and <paramref name="benchmarks"/> under
    /// <c>vitdsl bench</c>.
    /// </summary>
    public static int Run(string[] args, IReadOnlyList<GeneratedExperiment> experiments, IReadOnlyList<GeneratedSweep> sweeps,
        IEnumerable<System.CommandLine.Command>? commands = null, IEnumerable<System.CommandLine.Command>? benchmarks = null) =>
        CliApp.Run(CliApp.Root(experiments, sweeps, commands, benchmarks), args);
}
