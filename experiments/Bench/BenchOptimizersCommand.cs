using ViTDsl.Cli;
using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Spectre.Console;
using ViTDsl.Experiments.Bench;
using ViTDsl.Runtime.Optim;

namespace ViTDsl.Experiments.Bench;

/// <summary>Benchmark commands; each factory builds one subcommand of `vitdsl bench`.</summary>
public static partial class BenchCommands
{
    /// <summary>
    /// `vitdsl bench optimizers`: step time and optimizer-state memory of each optimizer chain on a real-sized parameter
    /// set (B/16 by default), as ratios to TorchSharp's built-in Adam measured in the same run.
    /// </summary>
    /// <param name="output">Where to write; standard output when null (tests pass a writer).</param>
    public static Command Optimizers(TextWriter? output = null)
    {
        var model = TypedOption.Parsed("--model", ModelNamed, "PRESET|EXPERIMENT",
            "Parameter set of this ViT preset (e.g. B/16) or of a declared experiment or sweep trial's model (e.g. FashionScaling/model=fashion7-w24d2,seed=0,steps=3750): " +
            "a small model's many small tensors show the per-tensor cost of an update.", defaultText: "B/16");
        var rounds = new Option<int>("--rounds") { Description = "Timed steps per optimizer (interleaved; the median is reported).", DefaultValueFactory = _ => 5 };
        var json = new Option<bool>("--json") { Description = "Print a JSON array instead of a table." };
        var command = new Command("optimizers", "Time one update and measure optimizer-state memory for each optimizer, relative to torch's Adam.");
        rounds.Validators.Add(r => { if (r.GetValueOrDefault<int>() < 1) r.AddError("--rounds must be at least 1"); });
        command.Options.Add(model);
        command.Options.Add(rounds);
        command.Options.Add(json);
        command.SetAction(parsed =>
        {
            var writer = output ?? Console.Out;
            var vit = parsed.GetValue(model)!.Value;
            var results = OptimizerBenchmark.Run(vit, parsed.GetValue(rounds));
            var baseline = results.Single(r => r.Name == OptimizerBenchmark.Baseline);
            var parameters = ParameterCount.Total(vit);
            var rows = results.Select(r => new BenchOptimizerRow(
                r.Name, r.MedianStepSeconds * 1e3, r.MedianStepSeconds / baseline.MedianStepSeconds,
                r.StateBytes, (double)r.StateBytes / baseline.StateBytes, (double)r.StateBytes / parameters, r.FormulaBytes)).ToList();
            if (parsed.GetValue(json))
                writer.WriteLine(JsonSerializer.Serialize(rows, new JsonSerializerOptions { WriteIndented = true }));
            else
                WriteTable(writer, vit, parameters, rows);
            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>A preset by its name, or else the model a declared experiment or sweep trial trains.</summary>
    private static Vit ModelNamed(string name)
    {
        try { return Vit.Named(name); }
        catch (ArgumentException notPreset) when (!name.Contains('/') || name.Contains('='))
        {
            try { return CatalogLookup.Experiment(name, Generated.ExperimentCatalog.All, Generated.ExperimentCatalog.Sweeps).Declaration.Model; }
            catch (UsageException notDeclared) { throw new ArgumentException($"{notPreset.Message.Replace(" (Parameter 'name')", "")} Nor is it a declared experiment: {notDeclared.Message}"); }
        }
    }

    private static void WriteTable(TextWriter writer, Vit vit, long parameters, IReadOnlyList<BenchOptimizerRow> rows)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(writer) });
        if (Console.IsOutputRedirected || writer != Console.Out) console.Profile.Width = 140;
        var table = new Table().Title($"{vit.Variant}: {parameters / 1e6:F2}M parameters, one update (clip 1.0, decay 3.0/0.03 · lr)");
        foreach (var header in new[] { "optimizer", "step ms", "× torch Adam", "state MiB", "× torch Adam", "B/param", "= Dsl formula" })
            table.AddColumn(new TableColumn(header).RightAligned());
        string F(double x, string format) => x.ToString(format, CultureInfo.InvariantCulture);
        foreach (var r in rows)
            table.AddRow(r.Optimizer, F(r.StepMilliseconds, "F1"), F(r.StepTimeRatio, "F2"), F(r.StateBytes / 1048576.0, "F1"),
                F(r.StateRatio, "F3"), F(r.BytesPerParameter, "F3"),
                r.FormulaBytes is long f ? (f == r.StateBytes ? "yes" : $"no ({f})") : "–");
        console.Write(table);
    }
}

/// <summary>One optimizer's line of `bench optimizers`.</summary>
public sealed record BenchOptimizerRow(
    string Optimizer, double StepMilliseconds, double StepTimeRatio, long StateBytes, double StateRatio, double BytesPerParameter, long? FormulaBytes);
