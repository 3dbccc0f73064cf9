using ViTDsl.Runtime.Data;
using ViTDsl.Runtime.Models;
using ViTDsl.Runtime.Train;
using static TorchSharp.torch;

namespace ViTDsl.Tests.FineTune;

// The paper's transfer claims, on a seconds-long scale: features learned on Fashion-MNIST transfer to MNIST digits
// (a few-shot probe on them beats the same probe on an untrained model), and fine-tuning the whole model at a higher
// resolution beats the probe. One upstream run (TransferSmoke: 200 steps of 64 Fashion-MNIST images) serves both.
[Collection(SerialCollection.Name)] // the trainer seeds torch's global generator and sets its thread count
public class TransferTests(TransferTests.Upstream upstream) : IClassFixture<TransferTests.Upstream>
{
    private static readonly string TenShotDigits = MetricName.FewShotError(new DataSet.MnistDigits(), 10);

    [Fact]
    public void A_10_shot_probe_on_mnist_digits_is_better_on_fashion_mnist_features_than_on_an_untrained_model()
    {
        // The same declaration, the same probe (10 shots, 3 seeds, the same images), on the weights before training.
        manual_seed(upstream.Run.Declaration.Data.Seed);
        using var untrained = upstream.Run.CreateModel(null);
        var data = DataPipeline.Load(upstream.Run.Declaration);
        var random = Evaluation.Run(untrained, upstream.Run.Declaration, data, upstream.Options).FewShotError;

        var trained = upstream.Result.FewShotError[TenShotDigits];
        var untrainedError = random[new("mnist_digits", 10)];
        // Chance is 90%; both probes are far from it, so the margin is what training on another data set added.
        Assert.True(trained < untrainedError - 0.02, $"10-shot MNIST-digits error {trained:P1} trained vs {untrainedError:P1} untrained");
    }

    [Fact]
    public void Fine_tuning_at_a_higher_resolution_lowers_the_mnist_digits_error_below_the_10_shot_probe()
    {
        var fineTune = ExperimentCatalogAccess.All.Single(e => e.Name == "TransferSmokeFineTune");
        Assert.Equal(42, fineTune.Declaration.Model.Image); // 6×6 patches instead of the upstream's 4×4
        var result = Trainer.Run(fineTune, upstream.Options with { FewShot = null });

        var probe = upstream.Result.FewShotError[TenShotDigits];
        Assert.True(result.TestError < probe, $"fine-tuned test error {result.TestError:P1} vs 10-shot probe {probe:P1}");
    }

    /// <summary>The upstream run, trained once for the class.</summary>
    public sealed class Upstream : IDisposable
    {
        private readonly string root = Directory.CreateTempSubdirectory("vitdsl-transfer-").FullName;

        public Upstream()
        {
            Options = new TrainingOptions(root) { TestImages = 2000, Threads = 2, CheckpointEvery = 0 }; // MNIST digits has 2000 test images
            Result = Trainer.Run(Run, Options);
        }

        public GeneratedExperiment Run { get; } = ExperimentCatalogAccess.All.Single(e => e.Name == "TransferSmoke");
        public TrainingOptions Options { get; }
        public TrainingResult Result { get; }

        public void Dispose() => Directory.Delete(root, recursive: true);
    }
}
