using TorchSharp;
using TorchSharp.Modules;
using ViTDsl.Runtime.Eval;
using ViTDsl.Runtime.Models;
using static TorchSharp.torch;

namespace ViTDsl.Tests.Analysis;

[Collection(SerialCollection.Name)] // torch's global generator seeds the model
public class FeatureExtractorTests
{
    /// <summary>A stand-in for a generated ViT: flatten → dropout → linear, so train mode would make features random.</summary>
    private sealed class TinyModel : VitModule
    {
        private readonly Dropout dropout = nn.Dropout(0.5);
        private readonly Linear features = nn.Linear(12, 5);

        public TinyModel() : base("tiny") => RegisterComponents();

        public override Vit Shape => Vit.Mu(2) with { Image = 2, Channels = 3 };
        public override Tensor Pooled(Tensor images) => features.forward(dropout.forward(images.flatten(1)));
        public override Tensor Features(Tensor images) => Pooled(images);
        public override Tensor Logits(Tensor features) => features.alias();
    }

    [Fact]
    public void Batched_extraction_equals_one_pass_in_eval_mode_and_restores_the_mode()
    {
        random.manual_seed(0);
        using var model = new TinyModel();
        model.train();
        var images = randn(10, 3, 2, 2);
        var batched = FeatureExtractor.Extract(model, images, batchSize: 3);
        Assert.True(model.training, "extraction must leave the model in the mode it found it");
        model.eval();
        using (no_grad())
        {
            var whole = model.Features(images);
            Assert.Equal([10L, 5L], batched.shape);
            Assert.True(batched.allclose(whole), "batches of 3 must give the same features as one pass, without dropout");
        }
        Assert.False(batched.requires_grad);
    }
}
