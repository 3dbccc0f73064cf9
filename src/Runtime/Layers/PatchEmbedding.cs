using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ViTDsl.Runtime.Layers;

/// <summary>Cuts an image into p×p patches and projects each to D: a convolution with kernel = stride = p.</summary>
public sealed class PatchEmbedding : nn.Module<Tensor, Tensor>
{
    private readonly Conv2d projection;

    public PatchEmbedding(int channels, int width, int patch, Device? device = null) : base(nameof(PatchEmbedding))
    {
        projection = Init.PatchConvolution(channels, width, patch, device);
        RegisterComponents();
    }

    /// <summary>[batch, C, H, W] → [batch, N, D] with N = (H/p)·(W/p), row-major over the grid.</summary>
    public override Tensor forward(Tensor images) => projection.forward(images).flatten(2).transpose(1, 2);
}
