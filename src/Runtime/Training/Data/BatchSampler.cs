using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;

namespace ViTDsl.Runtime.Data;

/// <summary>
/// The synchronous core of the training stream: an endless sequence of epochs over a subset, each in its own seeded
/// order, cut into batches that may span epochs (so any subset size works with any batch size). A batch is a pure
/// function of its start <see cref="DataPosition"/>; <see cref="BatchLoader"/> runs this on a background thread.
/// </summary>
internal sealed class BatchSampler
{
    private readonly ImageSet images;
    private readonly int[] subset;
    private readonly ImageTransform transform;
    private readonly long seed;
    private readonly int workers;
    private long cachedEpoch = -1;
    private int[] order = [];

    /// <param name="images">All training images.</param>
    /// <param name="subset">Indices of the training subset.</param>
    /// <param name="transform">Augmentation and fitting.</param>
    /// <param name="batchSize">Images per batch.</param>
    /// <param name="seed">Seed of the epoch orders and augmentation.</param>
    /// <param name="workers">Threads that transform the images of one batch (1: none besides the caller).</param>
    public BatchSampler(ImageSet images, int[] subset, ImageTransform transform, int batchSize, long seed, int workers = 1)
    {
        if (subset.Length == 0) throw new ArgumentException("the training subset is empty");
        if (batchSize <= 0) throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "a batch holds at least 1 image");
        this.images = images;
        this.subset = subset;
        this.transform = transform;
        this.seed = seed;
        this.workers = Math.Max(1, workers);
        BatchSize = batchSize;
    }

    public int BatchSize { get; }

    /// <summary>The training image at <paramref name="position"/> (an index into the image set).</summary>
    public int ImageAt(DataPosition position)
    {
        if (position.Epoch < 0 || position.Index < 0 || position.Index >= subset.Length)
            throw new ArgumentOutOfRangeException(nameof(position), position,
                $"a data position has epoch ≥ 0 and index in [0, {subset.Length}) for this {subset.Length}-image subset; " +
                "was the checkpoint written with another Data.TrainImages?");
        if (position.Epoch != cachedEpoch)
        {
            order = Enumerable.Range(0, subset.Length).ToArray();
            new DataRandom(seed, DataRandom.Epoch, position.Epoch).Shuffle(order);
            cachedEpoch = position.Epoch;
        }
        return subset[order[position.Index]];
    }

    /// <summary>The batch starting at <paramref name="start"/> as tensors.</summary>
    /// <remarks>Images are written straight into the tensor's memory: no float[] per batch (which for 224² RGB
    /// batches would be hundreds of MB on the large-object heap) and no second copy.</remarks>
    public Batch Next(DataPosition start)
    {
        var sources = new int[BatchSize];
        var positions = new DataPosition[BatchSize];
        var labels = new long[BatchSize];
        var p = start;
        for (int i = 0; i < BatchSize; i++)
        {
            positions[i] = p;
            sources[i] = ImageAt(p);
            labels[i] = images.Labels[sources[i]];
            p = p.Advance(subset.Length);
        }
        int size = transform.OutputSize;
        var pixels = torch.empty([BatchSize, transform.Channels, transform.Side, transform.Side], ScalarType.Float32);
        try
        {
            void One(int i)
            {
                var random = new DataRandom(seed, DataRandom.Augment, positions[i].Epoch, positions[i].Index);
                transform.Apply(sources[i], ref random, MemoryMarshal.Cast<byte, float>(pixels.bytes).Slice(i * size, size));
            }
            if (workers == 1) for (int i = 0; i < BatchSize; i++) One(i);
            else Parallel.For(0, BatchSize, new ParallelOptions { MaxDegreeOfParallelism = workers }, One);
            return new Batch(pixels, torch.tensor(labels, [BatchSize], ScalarType.Int64), start, p);
        }
        catch
        {
            pixels.Dispose();
            throw;
        }
    }
}
