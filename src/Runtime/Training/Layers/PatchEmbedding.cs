using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ViTDsl.Runtime.Layers;

/// <summary>
/// Cuts an image into p×p patches and projects each to D (<see cref="PatchEmbeddingPart"/>): a convolution with
/// kernel = stride = p in the model's precision, as big_vision's <c>embedding</c> under dtype_mm (image, kernel and
/// bias cast to bfloat16; the output is bfloat16). Computed as the product it is: each patch, flattened in the
/// kernel's (C, p, p) order, times the kernel flattened to [D, C·p·p], which gives the tokens [batch, N, D] contiguous
/// (a convolution gives them channel-first, and every later layer would copy them back).
/// </summary>
internal sealed class PatchEmbedding : nn.Module<Tensor, Tensor>
{
    private readonly Conv2d projection;
    private readonly long patch;
    private readonly Precision precision;

    public PatchEmbedding(PatchEmbeddingPart part, Device? device = null, Precision precision = Precision.Fp32) : base(nameof(PatchEmbedding))
    {
        patch = part.Patch;
        this.precision = precision;
        register_module(PatchEmbeddingPart.Projection, projection = Init.PatchConvolution(part.Channels, part.Width, part.Patch, device));
    }

    /// <summary>[batch, C, H, W] → [batch, N, D] with N = (H/p)·(W/p), row-major over the grid.</summary>
    public override Tensor forward(Tensor images)
    {
        using var scope = NewDisposeScope();
        var (batch, channels, rows, columns) = (images.shape[0], images.shape[1], images.shape[2] / patch, images.shape[3] / patch);
        var patches = MatrixProducts.In(images, precision)
            .reshape(batch, channels, rows, patch, columns, patch).permute(0, 2, 4, 1, 3, 5)
            .reshape(batch, rows * columns, channels * patch * patch);
        return MatrixProducts.Dense(patches, projection.weight!.flatten(1), projection.bias, precision).MoveToOuterDisposeScope();
    }
}
