using DataDeclaration = ViTDsl.Data;

namespace ViTDsl.Runtime.Data;

/// <summary>
/// The data of one experiment, ready for training: the data set in memory, the nested training subset, and the
/// transforms for training (augmented) and evaluation (not augmented), fitted to the model's image size and
/// channels. Build with <see cref="Load(Experiment)"/>; get training batches from <see cref="Batches"/>.
/// </summary>
internal sealed class DataPipeline
{
    private readonly ImageTransform trainUnaugmented;

    private DataPipeline(DataDeclaration data, LoadedDataSet source, int[] subset, ImageTransform train, ImageTransform test, ImageTransform trainUnaugmented)
    {
        this.trainUnaugmented = trainUnaugmented;
        Data = data;
        Source = source;
        Subset = subset;
        TrainTransform = train;
        TestTransform = test;
    }

    public DataDeclaration Data { get; }
    public LoadedDataSet Source { get; }

    /// <summary>Indices into <c>Source.Train</c> of the training subset (the first n of the seeded nested order).</summary>
    public int[] Subset { get; }

    public ImageTransform TrainTransform { get; }
    public ImageTransform TestTransform { get; }
    public int Classes => Source.Train.Classes;

    /// <summary>Loads the experiment's data fitted to its model (image side, channels); checks the classifier has enough classes.</summary>
    public static DataPipeline Load(Experiment experiment)
    {
        var pipeline = Load(experiment.Data, experiment.Model.Image, experiment.Model.Channels);
        if (experiment.Model.Classifier.Classes < pipeline.Classes)
            throw new ArgumentException($"{experiment.Data.Set} has {pipeline.Classes} classes but the model's classifier has " +
                                        $"{experiment.Model.Classifier.Classes}; set Model = … with {{ Classifier = new({pipeline.Classes}) }}.");
        return pipeline;
    }

    /// <summary>Loads <paramref name="data"/> for a model taking <paramref name="channels"/> × <paramref name="side"/>² images.</summary>
    public static DataPipeline Load(DataDeclaration data, int side, int channels)
    {
        var problems = DataRules.Check(data);
        if (problems.Count > 0) throw new ArgumentException(string.Join(" ", problems.Select(p => p.Message)));
        return Create(data, DataSetLoader.Load(data.Set), side, channels);
    }

    /// <summary>
    /// Builds the pipeline over an already loaded <paramref name="source"/> (e.g. one Fashion-MNIST load shared by
    /// every point of a data-size sweep); <c>data.Set</c> is not read again.
    /// </summary>
    public static DataPipeline Create(DataDeclaration data, LoadedDataSet source, int side, int channels)
    {
        var problems = DataRules.Check(data);
        if (problems.Count > 0) throw new ArgumentException(string.Join(" ", problems.Select(p => p.Message)));
        var train = source.Train;
        int[] subset = data.TrainImages is long n
            ? NestedSubset.Take(train.Labels, train.Classes, n, data.Seed)
            : Enumerable.Range(0, train.Count).ToArray();
        (double[]? mean, double[]? std) = data.Normalisation == Normalisation.Standardise ? Statistics(train, subset) : (null, null);
        var trainTransform = new ImageTransform(train, side, channels, data.Fit, data.Normalisation, mean, std, data.Flip, data.Crop, data.CropMinArea);
        var testTransform = new ImageTransform(source.Test, side, channels, data.Fit, data.Normalisation, mean, std);
        var trainUnaugmented = new ImageTransform(train, side, channels, data.Fit, data.Normalisation, mean, std);
        return new DataPipeline(data, source, subset, trainTransform, testTransform, trainUnaugmented);
    }

    /// <summary>The training stream from <paramref name="start"/> (the stream's beginning by default), prefetching in the background.</summary>
    /// <param name="prefetch">Batches built ahead (0: build on the caller's thread).</param>
    /// <param name="workers">Threads that transform one batch's images.</param>
    public BatchLoader Batches(DataPosition start = default, int prefetch = 4, int workers = 1) =>
        new(Sampler(workers), start, prefetch);

    /// <summary>The synchronous sampler behind <see cref="Batches"/>.</summary>
    public BatchSampler Sampler(int workers = 1) =>
        new(Source.Train, Subset, TrainTransform, Data.Batch, Data.Seed, workers);

    /// <summary>The test set in file order without augmentation, in batches of <paramref name="batchSize"/> (the last may be smaller).</summary>
    public IEnumerable<Batch> TestBatches(int batchSize) =>
        Unaugmented(Source.Test, TestTransform, Enumerable.Range(0, Source.Test.Count).ToArray(), batchSize);

    /// <summary>
    /// Training images at <paramref name="indices"/> (into <c>Source.Train</c>) without augmentation, normalised as
    /// for testing, in batches: e.g. the pool few-shot probes draw their shots from.
    /// </summary>
    public IEnumerable<Batch> TrainImages(int[] indices, int batchSize) => Unaugmented(Source.Train, trainUnaugmented, indices, batchSize);

    /// <summary>Test images at <paramref name="indices"/> (into <c>Source.Test</c>), in batches: e.g. a balanced subset of a few-shot target's test split.</summary>
    public IEnumerable<Batch> TestImages(int[] indices, int batchSize) => Unaugmented(Source.Test, TestTransform, indices, batchSize);

    private static IEnumerable<Batch> Unaugmented(ImageSet set, ImageTransform transform, int[] indices, int batchSize)
    {
        int size = transform.OutputSize;
        for (int first = 0; first < indices.Length; first += batchSize)
        {
            int count = Math.Min(batchSize, indices.Length - first);
            var pixels = new float[count * size];
            var labels = new long[count];
            var none = new DataRandom(0);
            for (int i = 0; i < count; i++)
            {
                transform.Apply(indices[first + i], ref none, pixels.AsSpan(i * size, size));
                labels[i] = set.Labels[indices[first + i]];
            }
            yield return Batch.FromArrays(pixels, labels, transform.Channels, transform.Side, new(0, first), new(0, first + count));
        }
    }

    // Per-channel mean and std of x/255 over the training subset, for Normalisation.Standardise.
    private static (double[], double[]) Statistics(ImageSet images, int[] subset)
    {
        int plane = images.Height * images.Width;
        var sum = new double[images.Channels];
        var squares = new double[images.Channels];
        foreach (int i in subset)
        {
            var image = images.Image(i);
            for (int c = 0; c < images.Channels; c++)
                foreach (byte b in image.Slice(c * plane, plane))
                {
                    double x = b / 255.0;
                    sum[c] += x;
                    squares[c] += x * x;
                }
        }
        double n = (double)subset.Length * plane;
        var mean = sum.Select(s => s / n).ToArray();
        var std = squares.Select((q, c) => Math.Sqrt(Math.Max(q / n - mean[c] * mean[c], 0)) + 1e-6).ToArray();
        return (mean, std);
    }
}
