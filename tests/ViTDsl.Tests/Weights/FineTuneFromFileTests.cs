using ViTDsl.Runtime.Train;
using ViTDsl.Runtime.Train.Checkpoints;
using ViTDsl.Runtime.Weights;
using ViTDsl.Tests.SourceGeneration;
using ViTDsl.Tests.Store;
using static TorchSharp.torch;

namespace ViTDsl.Tests.Weights;

/// <summary>
/// <see cref="Experiment.StartFrom"/> an outside file (<see cref="Experiment.FromFile"/>): the same fine-tune path as a
/// declared upstream (trunk copied, position embedding resampled, new zero head), so starting from an exported file
/// gives exactly the fine-tune that starts from the run it was exported from.
/// </summary>
public sealed class FineTuneFromFileTests : IDisposable
{
    private readonly TempFolder dir = new();
    private static readonly Runtime.Models.GeneratedExperiment Upstream = ExperimentCatalogAccess.All.Single(e => e.Name == "Smoke");
    private static readonly Runtime.Models.GeneratedExperiment FineTune = ExperimentCatalogAccess.All.Single(e => e.Name == "SmokeFineTune");

    public void Dispose() => dir.Dispose();

    [Theory]
    [InlineData(WeightNames.Timm)]
    [InlineData(WeightNames.BigVision)]
    public void A_fine_tune_from_an_exported_file_equals_the_fine_tune_from_the_run(WeightNames names)
    {
        var fromRunRoot = dir.File("from-run");
        Trainer.Run(Upstream, new TrainingOptions(fromRunRoot) { FewShot = null });
        var exported = dir.File("smoke.safetensors");
        using (var model = Upstream.CreateModel(null))
        using (var final = Checkpoint.Read(new RunLayout(fromRunRoot, Upstream.Declaration).FinalWeights))
        {
            model.load_state_dict(new Dictionary<string, Tensor>(final.Tensors));
            ForeignWeights.Export(model, names, exported);
        }

        var fromRun = Trainer.Run(FineTune, new TrainingOptions(fromRunRoot) { FewShot = null });
        var fromFileExperiment = FineTune with
        {
            Declaration = FineTune.Declaration with { StartFrom = Experiment.FromFile(exported, names, Upstream.Declaration.Model) },
        };
        var fromFileRoot = dir.File("from-file");
        var fromFile = Trainer.Run(fromFileExperiment, new TrainingOptions(fromFileRoot) { FewShot = null });

        Assert.Equal(fromRun.FinalTrainLoss, fromFile.FinalTrainLoss);
        Assert.Equal(fromRun.TestError, fromFile.TestError);
        using var a = Checkpoint.Read(new RunLayout(fromRunRoot, FineTune.Declaration).FinalWeights);
        using var b = Checkpoint.Read(new RunLayout(fromFileRoot, fromFileExperiment.Declaration).FinalWeights);
        foreach (var (name, tensor) in a.Tensors)
            Assert.True(tensor.eq(b.Tensors[name]).all().item<bool>(), $"{name} differs between the fine-tunes");
    }

    [Fact]
    public void An_outside_upstream_is_never_trained_itself()
    {
        var outside = Upstream with { Declaration = Experiment.FromFile("vit.safetensors", WeightNames.Timm, Upstream.Declaration.Model) };
        var e = Assert.Throws<ArgumentException>(() => Trainer.Run(outside, new TrainingOptions(dir.Path)));
        Assert.Contains("it is not trained: fine-tune from it with StartFrom", e.Message);
    }

    [Fact]
    public void The_generator_evaluates_a_fine_tune_from_a_file_as_at_run_time()
    {
        const string source = """
            using ViTDsl;
            namespace Study;
            [Experiments]
            public static partial class Transfer
            {
                private static Vit Upstream => new Vit(Patch: 4, Width: 32, Depth: 2, Mlp: 64, Heads: 2) { Image = 28, Channels = 1 };
                public static Experiment FromTimm => new(Upstream with { Image = 32, Classifier = new Classifier(7) })
                {
                    StartFrom = Experiment.FromFile("upstream.safetensors", WeightNames.Timm, Upstream),
                };
            }
            """;
        var catalog = GeneratorHarness.Catalog(GeneratorHarness.CompileAndLoad(source));
        var upstream = new Vit(4, 32, 2, 64, 2) { Image = 28, Channels = 1 };
        Assert.Equal(new Experiment(upstream with { Image = 32, Classifier = new Classifier(7) })
        {
            StartFrom = new Experiment(upstream) { Weights = new WeightsFile("upstream.safetensors", WeightNames.Timm) },
        }, Assert.Single(catalog).Declaration);

        var (diagnostics, _) = GeneratorHarness.Run(source.Replace("Image = 32, Classifier", "Depth = 3, Image = 32, Classifier"));
        Assert.Equal("VIT231", Assert.Single(diagnostics).Id); // the file's declared trunk is checked like a declared upstream's
    }
}
