using ViTDsl.Runtime.Layers;
using ViTDsl.Runtime.Train;
using ViTDsl.Runtime.Train.Checkpoints;
using ViTDsl.Tests.Store;
using static TorchSharp.torch;

namespace ViTDsl.Tests.FineTune;

// A fine-tune (Experiment.StartFrom) starts from the upstream run's final weights: the trunk copied, the position
// embedding resampled to the new grid, the classifier new. Uses the seconds-long Smoke run and its declared fine-tune.
public class FineTuneStartTests : IDisposable
{
    private readonly TempFolder dir = new();
    private static readonly Runtime.Models.GeneratedExperiment Upstream = ExperimentCatalogAccess.All.Single(e => e.Name == "Smoke");
    private static readonly Runtime.Models.GeneratedExperiment FineTune = ExperimentCatalogAccess.All.Single(e => e.Name == "SmokeFineTune");

    [Fact]
    public void The_fine_tune_starts_from_the_upstream_trunk_with_a_resampled_position_embedding_and_a_new_head()
    {
        Trainer.Run(Upstream, new TrainingOptions(dir.Path) { FewShot = null });
        using var weights = Checkpoint.Read(new RunLayout(dir.Path, Upstream.Declaration).FinalWeights);
        using var model = FineTune.CreateModel(null);
        FineTuneStart.Load(model, Upstream.Declaration, dir.Path);

        var parameters = model.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        foreach (var (name, parameter) in parameters)
            if (name == "position")
                Assert.True(parameter.eq(PositionEmbeddingResampler.Resample(weights.Tensors[name], 8, classToken: false)).all().item<bool>());
            else if (name.StartsWith("head."))
                Assert.Equal(7, parameter.shape[0]); // a head for the new task's 7 classes
            else
                Assert.True(parameter.eq(weights.Tensors[name]).all().item<bool>(), $"{name} was not copied");
        Assert.Equal(0, parameters["head.weight"].abs().max().item<float>()); // a zero-initialised head, not the upstream's

        // And it trains from there.
        var result = Trainer.Run(FineTune, new TrainingOptions(dir.Path) { FewShot = null });
        Assert.True(double.IsFinite(result.FinalTrainLoss));
    }

    [Fact]
    public void A_fine_tune_whose_upstream_never_ran_says_to_train_it_first()
    {
        var e = Assert.Throws<FileNotFoundException>(() => Trainer.Run(FineTune, new TrainingOptions(dir.Path) { FewShot = null }));
        Assert.Contains("train the upstream experiment first", e.Message);
        Assert.Contains("fashion-smoke run of 30 steps", e.Message);
    }

    [Fact]
    public void A_fine_tune_that_changes_the_trunk_is_a_declaration_problem()
    {
        var declaration = FineTune.Declaration with { Model = FineTune.Declaration.Model with { Depth = 3 } };
        var problem = Assert.Single(FineTuneRules.Check(declaration));
        Assert.Equal("VIT231", problem.Id);
        Assert.Contains("Depth 2 but this model has Depth 3", problem.Message);
        Assert.Empty(FineTuneRules.Check(FineTune.Declaration));
    }

    public void Dispose() => dir.Dispose();
}
