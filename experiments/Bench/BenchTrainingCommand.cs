using ViTDsl.Cli;
using System.CommandLine;
using System.Text.Json;
using Spectre.Console;
using ViTDsl.Runtime.Compute;
using ViTDsl.Runtime.Models;
using static TorchSharp.torch;

namespace ViTDsl.Experiments.Bench;

/// <summary>
/// `vitdsl bench training`: generated ViTs vs a hand-written TorchSharp ViT, in fp32 and bf16, against the measured
/// matmul peak of each precision, in one run.
/// </summary>
public static class BenchTrainingCommand
{
    private static readonly NameTable<GeneratedExperiment[]> Models = new("a benchmark model set",
    [
        ("small", [BenchModels.BenchSmallPlan.Entry]),
        ("medium", [BenchModels.BenchMediumPlan.Entry]),
        ("all", [BenchModels.BenchSmallPlan.Entry, BenchModels.BenchMediumPlan.Entry]),
    ]);

    private static readonly NameTable<Precision[]> PrecisionChoices = new("a precision choice",
        CliNames.Precisions.Names.Select(n => (n, new[] { CliNames.Precisions[n] })).Append(("both", CliNames.Precisions.Names.Select(n => CliNames.Precisions[n]).ToArray())));

    public static Command Create()
    {
        var batch = new Option<int>("--batch") { Description = "Images per step.", DefaultValueFactory = _ => 128 };
        var steps = new Option<int>("--steps") { Description = "Steps per timed round.", DefaultValueFactory = _ => 3 };
        var rounds = new Option<int>("--rounds") { Description = "Alternating rounds per configuration (median counts).", DefaultValueFactory = _ => 3 };
        var models = TypedOption.Of("--models", Models, "all", "small (width 192, depth 6), medium (width 384, depth 12) or all.");
        var precisions = TypedOption.Of("--precisions", PrecisionChoices, "both", $"{PrecisionChoices.Choices}.");
        var json = new Option<bool>("--json") { Description = "Print the measurements as JSON." };
        var command = new Command("training", "Training images/s and achieved GFLOP/s of generated ViTs vs a hand-written ViT of the same shape, in fp32 and bf16.");
        foreach (var option in new Option[] { batch, steps, rounds, models, precisions, json }) command.Options.Add(option);
        command.SetAction(parsed =>
        {
            var entries = parsed.GetValue(models)!.Value;
            var chosen = parsed.GetValue(precisions)!.Value;
            set_num_threads(Environment.ProcessorCount);
            var rates = PrecisionRates.Measure();
            var rows = entries
                .SelectMany(e => TrainingBench.Measure(e, chosen, parsed.GetValue(batch), parsed.GetValue(steps), parsed.GetValue(rounds), rates.GflopsOf))
                .ToList();
            if (parsed.GetValue(json))
            {
                Console.Out.WriteLine(JsonSerializer.Serialize(new
                {
                    fp32PeakGflops = rates.Fp32Gflops, bf16PeakGflops = rates.Bf16Gflops, nativeBf16 = rates.Cpu.HasNativeBf16, rows,
                }, CliJson.Options));
                return ExitCodes.Success;
            }
            AnsiConsole.MarkupLine($"matmul peak ({Environment.ProcessorCount} threads × the best of 3 one-thread timings over squares 256²–1024²): fp32 [bold]{rates.Fp32Gflops:F0}[/] GFLOP/s, " +
                                   $"bf16 [bold]{rates.Bf16Gflops:F0}[/] GFLOP/s ({(rates.Cpu.HasNativeBf16 ? "native: " + string.Join(", ", rates.Cpu.Bf16) : "emulated: no bf16 flags in /proc/cpuinfo")})");
            var table = new Table();
            foreach (var header in new[] { "model", "implementation", "precision", "batch", "images/s", "GFLOP/s", "of its peak", "vs hand-written", "vs fp32", "images/CPU-s", "vs hand-written (CPU)" })
                table.AddColumn(new TableColumn(header).RightAligned());
            foreach (var row in rows)
            {
                var handWritten = rows.Single(r => r.Model == row.Model && r.Precision == row.Precision && r.Implementation == "hand-written");
                var fp32 = rows.SingleOrDefault(r => r.Model == row.Model && r.Precision == Precision.Fp32 && r.Implementation == row.Implementation);
                table.AddRow(row.Model, row.Implementation, row.Precision.Label(), row.Batch.ToString(), row.ImagesPerSecond.ToString("F1"),
                    row.AchievedGflops.ToString("F1"), row.ShareOfPeak.ToString("P0"), (row.ImagesPerSecond / handWritten.ImagesPerSecond).ToString("F2") + "×",
                    fp32 is null ? "" : (row.ImagesPerSecond / fp32.ImagesPerSecond).ToString("F2") + "×",
                    row.ImagesPerCpuSecond.ToString("F1"), (row.ImagesPerCpuSecond / handWritten.ImagesPerCpuSecond).ToString("F2") + "×");
            }
            AnsiConsole.Write(table);
            return ExitCodes.Success;
        });
        return command;
    }
}
