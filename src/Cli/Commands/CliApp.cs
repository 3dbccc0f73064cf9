using System.CommandLine;
using ViTDsl.Runtime.Models;

namespace ViTDsl.Cli;

/// <summary>
/// The command line: every command of <c>vitdsl</c>, and the one place that turns a parse error or a failure into an
/// exit code and a one-line message (<see cref="CliErrors"/>).
/// </summary>
internal static class CliApp
{
    /// <summary><c>--verbose</c>, on every command: print the stack trace of a failure after its one-line message.</summary>
    public static readonly Option<bool> Verbose = new("--verbose") { Description = "On failure, print the stack trace too.", Recursive = true };

    /// <summary>
    /// How long Ctrl+C or SIGTERM (scancel) leaves a command to stop before the process ends anyway: longer than the
    /// graces of a sweep's shutdown (a worker finishes its current step within <see cref="ViTDsl.Runtime.Workers.WorkerHost.CancelGrace"/>,
    /// the runner kills one that does not after <see cref="ViTDsl.Runtime.Workers.SweepRunnerOptions.StopGrace"/>, then records the
    /// attempts as interrupted and releases its lease), and shorter than Slurm's default KillWait (30 s, then SIGKILL).
    /// System.CommandLine's own default (2 s) would end a runner mid-shutdown, its attempts and lease left "running".
    /// </summary>
    public static readonly TimeSpan TerminationTimeout = TimeSpan.FromSeconds(25);

    public static RootCommand Root(IReadOnlyList<GeneratedExperiment> experiments, IReadOnlyList<GeneratedSweep> sweeps,
        IEnumerable<Command>? commands = null, IEnumerable<Command>? benchmarks = null)
    {
        var root = new RootCommand("ViTDsl: declare Vision Transformer scaling experiments in C#, train them, fit scaling laws.");
        root.Options.Add(Verbose);
        root.Subcommands.Add(ListCommand.Create(experiments, sweeps));
        root.Subcommands.Add(PlanCommand.Create(experiments));
        root.Subcommands.Add(TrainCommand.Create(experiments, sweeps));
        root.Subcommands.Add(SweepCommand.Create(sweeps));
        root.Subcommands.Add(WorkerEntryCommand.Create(experiments, sweeps));
        root.Subcommands.Add(SlurmTaskCommand.Create());
        root.Subcommands.Add(AnalysisCommands.Fit());
        root.Subcommands.Add(AnalysisCommands.Report());
        root.Subcommands.Add(ProbeCommand.Create());
        foreach (var weights in new[] { ExportCommand.Create(experiments, sweeps), InspectCommand.Create(experiments, sweeps), EvaluateCommand.Create(experiments, sweeps) })
            root.Subcommands.Add(weights);
        foreach (var extra in commands ?? []) root.Subcommands.Add(extra);
        if (benchmarks?.ToList() is { Count: > 0 } measured)
        {
            var bench = new Command("bench", "Benchmarks, reported as ratios measured within one run.");
            foreach (var benchmark in measured) bench.Subcommands.Add(benchmark);
            root.Subcommands.Add(bench);
        }
        return root;
    }

    private static string CommandLine(System.CommandLine.Parsing.CommandResult result) =>
        result.Parent is System.CommandLine.Parsing.CommandResult parent ? $"{CommandLine(parent)} {result.Command.Name}" : "vitdsl";

    /// <summary>Parses and runs <paramref name="args"/>; returns the process's exit code (<see cref="ExitCodes"/>).</summary>
    public static int Run(Command root, string[] args, TextWriter? output = null, TextWriter? error = null)
    {
        error ??= Console.Error;
        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            // Usage errors are caught here, before any work starts, with the way to the command's help.
            error.WriteLine($"error: {parsed.Errors[0].Message.TrimEnd('.')}. Run `{CommandLine(parsed.CommandResult)} --help` for the options.");
            return ExitCodes.UsageError;
        }
        var configuration = new InvocationConfiguration { EnableDefaultExceptionHandler = false, Error = error, ProcessTerminationTimeout = TerminationTimeout };
        if (output is not null) configuration.Output = output;
        try
        {
            return parsed.Invoke(configuration);
        }
        catch (Exception e)
        {
            return CliErrors.Report(e, error, parsed.GetValue(Verbose));
        }
    }
}
