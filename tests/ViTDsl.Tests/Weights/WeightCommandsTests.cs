using System.Globalization;
using System.Text.Json;
using ViTDsl.Runtime.Train;
using ViTDsl.Runtime.Weights;
using ViTDsl.Tests.Store;

namespace ViTDsl.Tests.Weights;

/// <summary>`vitdsl export`, `inspect` and `evaluate` on a trained run, as a user runs them (the real executable).</summary>
public sealed class WeightCommandsTests : IDisposable
{
    private readonly TempFolder dir = new();

    public void Dispose() => dir.Dispose();

    [Fact]
    public void Export_inspect_and_evaluate_a_trained_run()
    {
        var smoke = ExperimentCatalogAccess.All.Single(e => e.Name == "Smoke");
        var runs = dir.File("runs");
        var trained = Trainer.Run(smoke, new TrainingOptions(runs));
        var file = dir.File("smoke.safetensors");

        var export = Run("export", "Smoke", file, "--names", "big_vision", "--runs", runs);
        Assert.Equal(0, export.Code);
        Assert.Contains("with big_vision names", export.Stdout);

        var inspect = Run("inspect", file);
        Assert.Equal(0, inspect.Code);
        Assert.Contains("Transformer/encoderblock_1/MultiHeadDotProductAttention_0/query/kernel", inspect.Stdout);
        var fits = inspect.Stdout.Split('\n').Single(l => l.StartsWith("fits with big_vision names:"));
        Assert.Contains(".Smoke", fits); // every declaration of Smoke's shape fits, Smoke among them

        // The same weights give the run's own test error and few-shot errors on its declared data.
        var evaluate = Run("evaluate", "Smoke", "--weights", file, "--names", "big_vision", "--runs", runs);
        Assert.Equal(0, evaluate.Code);
        var printed = evaluate.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)).ToDictionary(p => p[0], p => double.Parse(p[1], CultureInfo.InvariantCulture));
        Assert.Equal(trained.TestError, printed[MetricName.TestError], 4);
        foreach (var (metric, error) in trained.FewShotError) Assert.Equal(error, printed[metric], 4);

        // A file of another shape fits nothing: the closest declaration and the first tensor that differs.
        var layout = new RunLayout(runs, smoke.Declaration);
        using (var weights = SafeTensorsFile.Read(file))
            SafeTensorsFile.Write(dir.File("narrow.safetensors"), weights.Tensors.Select(t => t.Key == "head/bias" ? KeyValuePair.Create(t.Key, TorchSharp.torch.zeros(3)) : t));
        var misfit = Run("inspect", dir.File("narrow.safetensors"));
        Assert.Equal(1, misfit.Code);
        Assert.Contains("fits no declared shape; closest:", misfit.Stdout);
        Assert.Contains("tensor 'head/bias' is [3] but", misfit.Stdout);
        Assert.True(File.Exists(layout.FinalWeights));
    }

    private static (int Code, string Stdout, string Stderr) Run(params string[] args) => Cli.VitdslProcess.Run(args, TimeSpan.FromMinutes(3));
}
