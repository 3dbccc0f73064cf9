using TorchSharp;
using static TorchSharp.torch;

namespace ViTDsl.Runtime.Data;

/// <summary>
/// One batch: images [B, C, H, W] float32 and labels [B] int64, on the CPU, plus the stream positions before and
/// after it. The caller owns the tensors: dispose the batch (<c>using var batch = loader.Next();</c>).
/// </summary>
internal sealed class Batch : IDisposable
{
    public Batch(Tensor images, Tensor labels, DataPosition start, DataPosition end)
    {
        Images = images;
        Labels = labels;
        Start = start;
        End = end;
    }

    public Tensor Images { get; }
    public Tensor Labels { get; }

    /// <summary>Position of this batch's first sample.</summary>
    public DataPosition Start { get; }

    /// <summary>Position of the sample after this batch: where a resumed run continues.</summary>
    public DataPosition End { get; }

    public int Count => (int)Labels.shape[0];

    /// <summary>Builds a batch from host arrays (copied into new tensors).</summary>
    public static Batch FromArrays(float[] images, long[] labels, int channels, int side, DataPosition start, DataPosition end) =>
        new(torch.tensor(images, [labels.Length, channels, side, side], ScalarType.Float32),
            torch.tensor(labels, [labels.Length], ScalarType.Int64), start, end);

    public void Dispose()
    {
        Images.Dispose();
        Labels.Dispose();
    }
}
