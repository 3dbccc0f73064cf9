using ViTDsl.Runtime.Data;
using ViTDsl.Runtime.Train;
using ViTDsl.Tests.Store;
using static TorchSharp.torch;

namespace ViTDsl.Tests.Train;

/// <summary>
/// Evaluating the first n test images (<c>--test-images</c> below the test set) makes and disposes exactly the batches
/// it needs: every native tensor made during the evaluation is disposed by its end (counted by a dispose scope around
/// it, which holds every tensor made while it is open until it is disposed), and the error and loss are those of the
/// same n images evaluated in one batch.
/// </summary>
public sealed class EvaluationTensorsTests : IDisposable
{
    private readonly TempFolder _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Evaluating_the_first_n_test_images_leaves_no_native_tensor_behind()
    {
        var smoke = ExperimentCatalogAccess.All.Single(e => e.Name == "Smoke"); // 64 synthetic test images
        using var model = smoke.CreateModel(null);
        model.eval();
        var data = DataPipeline.Load(smoke.Declaration);
        // 20 of 64 images in batches of 8: the batches 0–8, 8–16, 16–20; the next batch of the test set must not be made.
        var options = new TrainingOptions(_dir.Path) { TestImages = 20, EvaluationBatch = 8, FewShot = null };
        var oneBatch = Evaluation.Run(model, smoke.Declaration, data, options with { EvaluationBatch = 20 }, withFewShot: false);

        Evaluation.Result batched;
        using (var scope = NewDisposeScope())
        {
            batched = Evaluation.Run(model, smoke.Declaration, data, options, withFewShot: false);
            Assert.Equal(0, scope.DisposablesCount);
        }

        Assert.Equal(oneBatch.TestError, batched.TestError);
        Assert.Equal(oneBatch.TestLoss, batched.TestLoss, 1e-5);
        Assert.Equal(0, Math.Round(batched.TestError * 20) - batched.TestError * 20, 9); // a count of 20 images
    }
}
