using System.CommandLine;
using ViTDsl.Runtime;
using ViTDsl.Runtime.Models;
using ViTDsl.Runtime.Train;
using ViTDsl.Runtime.Train.Checkpoints;
using ViTDsl.Runtime.Weights;

namespace ViTDsl.Cli;

/// <summary><c>vitdsl export NAME OUT.safetensors</c>: a finished run's final weights as safetensors, with timm's, big_vision's or ViTDsl's names.</summary>
internal static class ExportCommand
{
    public static Command Create(IReadOnlyList<GeneratedExperiment> experiments, IReadOnlyList<GeneratedSweep> sweeps)
    {
        var name = new Argument<string>("name") { Description = "The trained experiment (see `vitdsl list`)." };
        var output = new Argument<string>("out") { Description = "The file to write: model.safetensors, or model.npz (numpy's npz, what big_vision loads)." };
        var names = WeightOptions.Names("timm");
        var runs = CommonOptions.Runs();
        runs.Aliases.Add("--run");
        var command = new Command("export", "Write a finished run's final weights as safetensors or npz (timm names by default), for PyTorch/timm or big_vision.");
        command.Arguments.Add(name);
        command.Arguments.Add(output);
        command.Options.Add(names);
        command.Options.Add(runs);
        command.SetAction(parsed =>
        {
            var experiment = CatalogLookup.Experiment(parsed.GetValue(name)!, experiments, sweeps);
            var layout = new RunLayout(parsed.GetValue(runs)!, experiment.Declaration);
            if (!File.Exists(layout.FinalWeights))
                throw new FileNotFoundException($"{experiment.Name} has no finished run in {parsed.GetValue(runs)} ({layout.FinalWeights} does not exist): " +
                                                $"train it first with `vitdsl train {experiment.Name} --runs {parsed.GetValue(runs)}`.", layout.FinalWeights);
            using var model = experiment.CreateModel(null);
            using (var checkpoint = Checkpoint.Read(layout.FinalWeights))
                model.load_state_dict(new Dictionary<string, TorchSharp.torch.Tensor>(checkpoint.Tensors));
            var convention = WeightOptions.Parse(parsed.GetValue(names)!);
            var path = parsed.GetValue(output)!;
            ForeignWeights.Export(model, convention, path, new Dictionary<string, string> { ["vitdsl.experiment"] = CatalogLookup.Key(experiment) });
            Console.Out.WriteLine($"wrote {path}: {experiment.Name} ({experiment.Declaration.Model.Variant}, {experiment.Facts.TotalParameters:N0} parameters) with {parsed.GetValue(names)} names");
            return ExitCodes.Success;
        });
        return command;
    }
}
