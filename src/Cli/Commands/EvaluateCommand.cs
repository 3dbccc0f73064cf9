using System.CommandLine;
using ViTDsl.Runtime;
using ViTDsl.Runtime.Data;
using ViTDsl.Runtime.Models;
using ViTDsl.Runtime.Train;
using ViTDsl.Runtime.Weights;

namespace ViTDsl.Cli;

/// <summary><c>vitdsl evaluate NAME --weights FILE</c>: test error and few-shot errors of outside weights on a declaration's data.</summary>
internal static class EvaluateCommand
{
    public static Command Create(IReadOnlyList<GeneratedExperiment> experiments, IReadOnlyList<GeneratedSweep> sweeps)
    {
        var name = new Argument<string>("name") { Description = "The declaration whose shape and data to use (see `vitdsl list`)." };
        var weights = new Option<string>("--weights") { Description = "A .safetensors or .npz weight file of that shape.", Required = true };
        var names = WeightOptions.Names("timm");
        var runs = CommonOptions.Runs();
        var threads = CommonOptions.Threads();
        var command = new Command("evaluate", "Test error and few-shot errors of a weight file (timm, big_vision or ViTDsl names) on a declaration's data.");
        command.Arguments.Add(name);
        foreach (var option in new Option[] { weights, names, runs, threads }) command.Options.Add(option);
        command.SetAction(parsed =>
        {
            var experiment = CatalogLookup.Experiment(parsed.GetValue(name)!, experiments, sweeps);
            if (parsed.GetValue(threads) is int n) TorchSharp.torch.set_num_threads(n);
            using var model = experiment.CreateModel(null);
            ForeignWeights.Load(model, parsed.GetValue(weights)!, WeightOptions.Parse(parsed.GetValue(names)!));
            DataAvailability.Ensure([experiment.Declaration]);
            var data = DataPipeline.Load(experiment.Declaration);
            var result = Evaluation.Run(model, experiment.Declaration, data, new TrainingOptions(parsed.GetValue(runs)!));
            Console.Out.WriteLine($"{MetricName.TestError,-36} {result.TestError:F4}");
            Console.Out.WriteLine($"{MetricName.TestLoss,-36} {result.TestLoss:F4}");
            foreach (var (metric, error) in result.FewShotError.OrderBy(e => e.Key.Name, StringComparer.Ordinal))
                Console.Out.WriteLine($"{metric.Name,-36} {error:F4}");
            return ExitCodes.Success;
        });
        return command;
    }
}
