using System.CommandLine;
using System.Text.Json;
using Spectre.Console;
using ViTDsl.Runtime;
using ViTDsl.Runtime.Models;
using ViTDsl.Runtime.Train;

namespace ViTDsl.Cli;

/// <summary>`vitdsl train NAME`: trains one declared experiment with a live progress display; running it again resumes.</summary>
internal static class TrainCommand
{
    public static Command Create(IReadOnlyList<GeneratedExperiment> experiments, IReadOnlyList<GeneratedSweep> sweeps)
    {
        var name = new Argument<string>("name") { Description = "The experiment's name (see `vitdsl list`), e.g. Quickstart." };
        var runs = CommonOptions.Runs();
        var threads = CommonOptions.Threads();
        var json = new Option<bool>("--json") { Description = "Print the result as JSON (no progress display)." };
        var command = new Command("train", "Train one declared experiment; metrics, checkpoints and result go to its run folder, and running it again resumes.");
        command.Arguments.Add(name);
        foreach (var option in new Option[] { runs, threads, json }) command.Options.Add(option);
        command.SetAction((parsed, cancellation) =>
        {
            var experiment = CatalogLookup.Experiment(parsed.GetValue(name)!, experiments, sweeps);
            DataAvailability.Ensure([experiment.Declaration]);
            var options = new TrainingOptions(parsed.GetValue(runs)!) { Threads = parsed.GetValue(threads) };
            if (options.Threads is int n) TorchSharp.torch.set_num_threads(n); // the notice measures with the threads training uses
            PrecisionNotice.WriteIfEmulated([experiment.Declaration.Precision], Console.Error);
            var result = parsed.GetValue(json)
                ? Trainer.Run(experiment, options, cancellation: cancellation)
                : TrainingProgress.Show(experiment, observer => Trainer.Run(experiment, options, observer, cancellation));
            if (parsed.GetValue(json))
                Console.Out.WriteLine(JsonSerializer.Serialize(result, CliJson.Options));
            else
                Report(result, new RunLayout(options.Root, experiment.Declaration));
            return Task.FromResult(ExitCodes.Success);
        });
        return command;
    }

    private static void Report(TrainingResult result, RunLayout layout)
    {
        var table = new Table().AddColumns("", "");
        table.AddRow("test error", result.TestError.ToString("P2"));
        table.AddRow("test loss", result.TestLoss.ToString("F4"));
        var fewShot = result.FewShotError.Select(e => (Parsed: FewShotErrorName.TryParse(e.Key, out var m) ? m : default, Error: e.Value));
        foreach (var (metric, error) in fewShot.OrderBy(e => e.Parsed.Target).ThenBy(e => e.Parsed.Shots))
            table.AddRow(Markup.Escape($"{metric.Target} {metric.Shots}-shot error"), error.ToString("P2"));
        if (result.TrainSeconds > 0)
            table.AddRow("seconds", Markup.Escape($"load {result.LoadSeconds:F1}, train {result.TrainSeconds:F1}, evaluate {result.EvaluateSeconds:F1}" +
                string.Concat(result.FewShotSeconds.Select(t => $" ({t.Key} probes {t.Value:F1})"))));
        table.AddRow("images seen", result.ImagesSeen.ToString("N0"));
        table.AddRow("training compute", $"{result.TrainingFlops / 1e12:F2} TFLOPs");
        if (result.TrainSeconds > 0) table.AddRow("achieved", $"{result.AchievedGflops:F1} GFLOP/s (training)");
        table.AddRow("run folder", Markup.Escape(layout.RunDirectory));
        AnsiConsole.Write(table.HideHeaders());
    }
}
