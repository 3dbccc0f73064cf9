using static TorchSharp.torch;

namespace ViTDsl.Tests.Optim;

/// <summary>A tiny ViT and a learnable synthetic task: the label is the brightest quadrant of a noisy 16×16 image.</summary>
internal static class TinyTask
{
    public static readonly Vit Model = new Vit(Patch: 4, Width: 32, Depth: 2, Mlp: 64, Heads: 2)
    {
        Image = 16, Channels = 1, Pool = new Pool.Map(), Classifier = new Classifier(4),
    };

    public static (Tensor Images, Tensor Labels) Batch(int size, ulong seed)
    {
        var generator = new Generator(seed);
        var labels = randint(0, 4, [size], generator: generator);
        var images = randn([size, 1, 16, 16], generator: generator).mul_(0.5);
        for (var i = 0; i < size; i++)
        {
            var q = labels[i].item<long>();
            images[i, 0, TensorIndex.Slice(q / 2 * 8, q / 2 * 8 + 8), TensorIndex.Slice(q % 2 * 8, q % 2 * 8 + 8)].add_(1.0);
        }
        return (images, labels);
    }

    public static Tensor Loss(nn.Module<Tensor, Tensor> model, Tensor images, Tensor labels) =>
        nn.functional.cross_entropy(model.forward(images), labels);
}
