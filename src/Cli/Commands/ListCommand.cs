using System.CommandLine;
using System.Text.Json;
using Spectre.Console;
using ViTDsl.Runtime.Models;

namespace ViTDsl.Cli;

/// <summary>`vitdsl list`: the declared experiments and sweeps, by name.</summary>
internal static class ListCommand
{
    public static Command Create(IReadOnlyList<GeneratedExperiment> experiments, IReadOnlyList<GeneratedSweep> sweeps)
    {
        var json = new Option<bool>("--json") { Description = "Print JSON: { experiments: [...], sweeps: [...] }." };
        var command = new Command("list", "List the declared experiments and sweeps (use their names with `train` and `sweep`).");
        command.Options.Add(json);
        command.SetAction(parsed =>
        {
            if (parsed.GetValue(json))
            {
                var listing = new
                {
                    experiments = experiments.Select(e => new { name = e.Name, declaredIn = e.DeclaredIn, variant = e.Declaration.Model.Variant }),
                    sweeps = sweeps.Select(s => new { name = s.Name, declaredIn = s.DeclaredIn, trials = s.Trials.Count }),
                };
                Console.Out.WriteLine(JsonSerializer.Serialize(listing, CliJson.Options));
                return ExitCodes.Success;
            }
            var tree = new Tree("[bold]Declared[/]");
            foreach (var group in experiments.GroupBy(e => e.DeclaredIn))
            {
                var node = tree.AddNode($"[blue]{group.Key}[/] (experiments)");
                foreach (var e in group) node.AddNode($"{e.Name} [grey]{Markup.Escape(e.Declaration.Model.Variant)}[/]");
            }
            foreach (var s in sweeps)
                tree.AddNode($"[green]{s.Name}[/] (sweep in {s.DeclaredIn}, {s.Trials.Count} trials)");
            AnsiConsole.Write(tree);
            return ExitCodes.Success;
        });
        return command;
    }
}
