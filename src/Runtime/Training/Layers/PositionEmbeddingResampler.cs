using TorchSharp;
using static TorchSharp.torch;

namespace ViTDsl.Runtime.Layers;

/// <summary>
/// Resamples a learned position embedding to another token grid for fine-tuning at a new resolution, as big_vision's
/// <c>resample_posemb</c>: the grid rows are interpolated bilinearly with the corner rows kept at the corners
/// (<c>scipy.ndimage.zoom(order=1)</c>, i.e. align_corners); a [class] token's row (docs/reference.md §10) is kept as is.
/// </summary>
internal static class PositionEmbeddingResampler
{
    /// <param name="position">[1, T, D] with T = grid² (+1 when <paramref name="classToken"/>, the class token's row first).</param>
    /// <returns>[1, T′, D] with T′ = newGrid² (+1).</returns>
    public static Tensor Resample(Tensor position, int newGrid, bool classToken)
    {
        using var scope = NewDisposeScope();
        long rows = position.shape[1] - (classToken ? 1 : 0), width = position.shape[2];
        int grid = (int)Math.Round(Math.Sqrt(rows));
        if ((long)grid * grid != rows)
            throw new ArgumentException($"a position embedding of {rows} patch rows is not a square grid; is the class token counted right?");
        var patches = position.narrow(1, classToken ? 1 : 0, rows);
        var image = patches.reshape(1, grid, grid, width).permute(0, 3, 1, 2);
        var resized = grid == newGrid ? image
            : nn.functional.interpolate(image, size: [newGrid, newGrid], mode: InterpolationMode.Bilinear, align_corners: true);
        var back = resized.permute(0, 2, 3, 1).reshape(1, (long)newGrid * newGrid, width);
        var result = classToken ? cat([position.narrow(1, 0, 1), back], 1) : back.contiguous();
        return result.MoveToOuterDisposeScope();
    }
}
