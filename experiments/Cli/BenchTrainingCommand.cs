using System.CommandLine;
using System.Text.Json;
using Spectre.Console;
using ViTDsl.Experiments.Bench;
using static TorchSharp.torch;

namespace ViTDsl.Experiments.Cli;

/// <summary>`vitdsl bench training`: generated ViTs vs a hand-written TorchSharp ViT vs the matmul peak, in one run.</summary>
public static class BenchTrainingCommand
{
    public static Command Create()
    {
        var batch = new Option<int>("--batch") { Description = "Images per step.", DefaultValueFactory = _ => 128 };
        var steps = new Option<int>("--steps") { Description = "Steps per timed round.", DefaultValueFactory = _ => 5 };
        var rounds = new Option<int>("--rounds") { Description = "Alternating rounds per implementation (median counts).", DefaultValueFactory = _ => 3 };
        var json = new Option<bool>("--json") { Description = "Print the measurements as JSON." };
        var command = new Command("training", "Training images/s and achieved GFLOP/s of generated ViTs vs a hand-written ViT of the same shape.");
        foreach (var option in new Option[] { batch, steps, rounds, json }) command.Options.Add(option);
        command.SetAction(parsed =>
        {
            set_num_threads(Environment.ProcessorCount);
            var fp32Peak = TrainingBench.MatmulPeakGflops(ScalarType.Float32);
            Console.WriteLine($"PROBE fp32 {fp32Peak:F0} bf16 2048 {ViTDsl.Runtime.Compute.MatmulRate.SquareGflops(ScalarType.BFloat16, 2048, 3):F1} bf16 512 {ViTDsl.Runtime.Compute.MatmulRate.SquareGflops(ScalarType.BFloat16, 512, 3):F1}");
            foreach (var dt in new[]{ScalarType.Float32, ScalarType.BFloat16}) Console.WriteLine($"PROBE linear {dt} {ViTDsl.Runtime.Compute.MatmulRate.LinearGflops(dt, 6272, 384, 1536, 3):F1} small {ViTDsl.Runtime.Compute.MatmulRate.LinearGflops(dt, 6272, 64, 256, 3):F1}");
            if (parsed.GetValue(steps) == 0) return 0;
            var rows = new[] { BenchModels.BenchSmallPlan.Entry, BenchModels.BenchMediumPlan.Entry }
                .SelectMany(e => TrainingBench.Measure(e, parsed.GetValue(batch), parsed.GetValue(steps), parsed.GetValue(rounds), fp32Peak))
                .ToList();
            if (parsed.GetValue(json))
            {
                Console.Out.WriteLine(JsonSerializer.Serialize(new { fp32PeakGflops = fp32Peak, rows }, CliJson.Options));
                return ExitCodes.Success;
            }
            // bf16 is not measured: TorchSharp 0.107's CPU build runs bf16 matmul on a slow path here (under 1 GFLOP/s).
            AnsiConsole.MarkupLine($"matmul 2048² fp32 peak: [bold]{fp32Peak:F0}[/] GFLOP/s ({Environment.ProcessorCount} threads)");
            var table = new Table();
            foreach (var header in new[] { "model", "implementation", "batch", "images/s", "GFLOP/s", "of fp32 peak", "vs hand-written" })
                table.AddColumn(new TableColumn(header).RightAligned());
            foreach (var row in rows)
            {
                var baseline = rows.Single(r => r.Model == row.Model && r.Implementation == "hand-written");
                table.AddRow(row.Model, row.Implementation, row.Batch.ToString(), row.ImagesPerSecond.ToString("F0"),
                    row.AchievedGflops.ToString("F1"), row.ShareOfFp32Peak.ToString("P0"), (row.ImagesPerSecond / baseline.ImagesPerSecond).ToString("F2") + "×");
            }
            AnsiConsole.Write(table);
            return ExitCodes.Success;
        });
        return command;
    }
}
