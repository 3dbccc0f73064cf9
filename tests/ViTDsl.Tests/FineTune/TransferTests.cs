using ViTDsl.Runtime.Train;

namespace ViTDsl.Tests.FineTune;

// The paper's headline transfer result on a seconds-long scale: fine-tuning the whole upstream model at a higher
// resolution on the target task beats the 10-shot linear probe of its frozen features. The upstream run
// (TransferSmoke: 100 steps of 128 Fashion-MNIST images) records that probe itself, as every run does by default.
[Collection(SerialCollection.Name)] // the trainer seeds torch's global generator and sets its thread count
public class TransferTests : IDisposable
{
    private readonly string root = Directory.CreateTempSubdirectory("vitdsl-transfer-").FullName;

    [Fact]
    public void Fine_tuning_at_a_higher_resolution_lowers_the_mnist_digits_error_below_the_10_shot_probe()
    {
        var options = new TrainingOptions(root) { TestImages = 2000, Threads = 2, CheckpointEvery = 0 }; // MNIST digits has 2000 test images
        var upstream = Trainer.Run(ExperimentCatalogAccess.All.Single(e => e.Name == "TransferSmoke"), options);
        var fineTune = ExperimentCatalogAccess.All.Single(e => e.Name == "TransferSmokeFineTune");
        Assert.Equal(42, fineTune.Declaration.Model.Image); // 6×6 patches instead of the upstream's 4×4
        var result = Trainer.Run(fineTune, options with { FewShot = null });

        var probe = upstream.FewShotError[MetricName.FewShotError(new DataSet.MnistDigits(), 10)];
        Assert.True(result.TestError < probe, $"fine-tuned test error {result.TestError:P1} vs 10-shot probe {probe:P1}");
    }

    public void Dispose() => Directory.Delete(root, recursive: true);
}
