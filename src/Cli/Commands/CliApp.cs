using System.CommandLine;
using ViTDsl.Runtime.Models;

namespace ViTDsl.Cli;

/// <summary>
/// The command line: every command of <c>vitdsl</c>, and the one place that turns a parse error or a failure into an
/// exit code and a one-line message (<see cref="CliErrors"/>).
/// </summary>
public static class CliApp
{
    /// <summary><c>--verbose</c>, on every command: print the stack trace of a failure after its one-line message.</summary>
    public static readonly Option<bool> Verbose = new("--verbose") { Description = "On failure, print the stack trace too.", Recursive = true };

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
        foreach (var extra in commands ?? []) root.Subcommands.Add(extra);
        var bench = new Command("bench", "Benchmarks, reported as ratios measured within one run.");
        bench.Subcommands.Add(BenchTrainingCommand.Create());
        bench.Subcommands.Add(BenchCommands.Data());
        bench.Subcommands.Add(BenchCommands.Optimizers());
        bench.Subcommands.Add(BenchCommands.Store());
        bench.Subcommands.Add(BenchCoverageCommand.Create());
        foreach (var extra in benchmarks ?? []) bench.Subcommands.Add(extra);
        root.Subcommands.Add(bench);
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
        var configuration = new InvocationConfiguration { EnableDefaultExceptionHandler = false, Error = error };
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
