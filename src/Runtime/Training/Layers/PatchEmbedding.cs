using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ViTDsl.Runtime.Layers;

/// <summary>
/// Cuts an image into p×p patches and projects each to D: a convolution with kernel = stride = p, in the model's
/// precision (its output is bfloat16 under bf16, until the position embedding is added in float32).
/// </summary>
public sealed class PatchEmbedding : nn.Module<Tensor, Tensor>
{
    private readonly Conv2d projection;
    private readonly int patch;
    private readonly Precision precision;

    public PatchEmbedding(int channels, int width, int patch, Device? device = null, Precision precision = Precision.Fp32) : base(nameof(PatchEmbedding))
    {
        this.patch = patch;
        this.precision = precision;
        projection = Init.PatchConvolution(channels, width, patch, device);
        RegisterComponents();
    }

    /// <summary>[batch, C, H, W] → [batch, N, D] with N = (H/p)·(W/p), row-major over the grid.</summary>
    public override Tensor forward(Tensor images)
    {
        if (precision == Precision.Fp32) return projection.forward(images).flatten(2).transpose(1, 2);
        var dtype = MatrixProducts.DtypeOf(precision);
        using var projected = nn.functional.conv2d(images.to(dtype), projection.weight!.to(dtype), projection.bias?.to(dtype), strides: [patch, patch]);
        return projected.flatten(2).transpose(1, 2);
    }
}
