using TorchSharp;
using ViTDsl.Runtime.Data;
using static TorchSharp.torch;

namespace ViTDsl.Tests.Data;

public class BatchLoaderTests
{
    // 100 synthetic training images, batch 64: batches span the epoch boundary.
    private static DataPipeline Synthetic(bool flip = true, bool crop = true, int side = 28, int channels = 1, Fit fit = Fit.Resize) =>
        DataPipeline.Load(new ViTDsl.Data(new DataSet.Synthetic(120, 30, 5)) { TrainImages = 100, Batch = 64, Seed = 3, Flip = flip, Crop = crop, Fit = fit },
            side, channels);

    private static bool Same(Tensor a, Tensor b) => a.shape.SequenceEqual(b.shape) && a.eq(b).all().item<bool>();

    private static (float[] Images, long[] Labels) Host(Batch b) => (b.Images.data<float>().ToArray(), b.Labels.data<long>().ToArray());

    private static List<(float[], long[])> Take(BatchLoader loader, int n)
    {
        var list = new List<(float[], long[])>();
        for (int i = 0; i < n; i++)
        {
            using var batch = loader.Next();
            list.Add(Host(batch));
        }
        return list;
    }

    [Fact]
    public void Batches_are_float32_images_BCHW_and_int64_labels()
    {
        using var loader = Synthetic(side: 32, channels: 3).Batches();
        using var batch = loader.Next();
        Assert.Equal(new long[] { 64, 3, 32, 32 }, batch.Images.shape);
        Assert.Equal(ScalarType.Float32, batch.Images.dtype);
        Assert.Equal(new long[] { 64 }, batch.Labels.shape);
        Assert.Equal(ScalarType.Int64, batch.Labels.dtype);
        Assert.Equal((new DataPosition(0, 0), new DataPosition(0, 64)), (batch.Start, batch.End));
        // Grayscale replicated into three identical channels.
        Assert.True(Same(batch.Images[.., 0], batch.Images[.., 2]));
    }

    [Fact]
    public void A_loader_restored_from_a_saved_position_yields_the_same_next_batches()
    {
        var pipeline = Synthetic();
        DataPosition saved;
        List<(float[], long[])> after;
        using (var loader = pipeline.Batches(prefetch: 3))
        {
            Take(loader, 3);
            saved = loader.Position; // the producer is further ahead; Position is what was handed out
            after = Take(loader, 4);
        }
        Assert.Equal(new DataPosition(1, 92), saved); // 192 samples of a 100-image epoch
        using var resumed = pipeline.Batches(saved, prefetch: 2);
        var again = Take(resumed, 4);
        for (int i = 0; i < 4; i++)
        {
            Assert.Equal(after[i].Item1, again[i].Item1);
            Assert.Equal(after[i].Item2, again[i].Item2);
        }
    }

    [Fact]
    public void A_position_outside_the_subset_is_refused_with_the_likely_cause()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => Synthetic().Batches(new DataPosition(0, 100)));
        Assert.Contains("Data.TrainImages", e.Message);
    }

    [Fact]
    public void Prefetching_and_a_plain_loop_give_identical_batches()
    {
        var pipeline = Synthetic();
        using var prefetched = pipeline.Batches(prefetch: 4, workers: 2);
        using var plain = pipeline.Batches(prefetch: 0);
        var a = Take(prefetched, 3);
        var b = Take(plain, 3);
        for (int i = 0; i < 3; i++) Assert.Equal(a[i].Item1, b[i].Item1);
    }

    [Fact]
    public void Every_epoch_visits_each_subset_image_once_in_a_new_order()
    {
        var pipeline = Synthetic(flip: false, crop: false);
        var sampler = pipeline.Sampler();
        var epochs = new[] { 0, 1 }.Select(e => Enumerable.Range(0, 100).Select(i => sampler.ImageAt(new DataPosition(e, i))).ToArray()).ToArray();
        Assert.Equal(pipeline.Subset.Order(), epochs[0].Order());
        Assert.Equal(pipeline.Subset.Order(), epochs[1].Order());
        Assert.NotEqual(epochs[0], epochs[1]);
    }

    [Fact]
    public void Without_augmentation_pixels_are_the_image_scaled_to_minus_one_one()
    {
        var pipeline = Synthetic(flip: false, crop: false);
        var sampler = pipeline.Sampler();
        using var batch = sampler.Next(DataPosition.Start);
        var image = pipeline.Source.Train.Image(sampler.ImageAt(DataPosition.Start)).ToArray();
        var first = batch.Images[0].flatten().data<float>().ToArray();
        Assert.Equal(image.Select(b => b / 127.5 - 1), first.Select(x => (double)x), new ToleranceComparer(1e-6));
        Assert.Equal(pipeline.Source.Train.Labels[sampler.ImageAt(DataPosition.Start)], batch.Labels[0].item<long>());
    }

    [Fact]
    public void Standardisation_gives_the_training_subset_zero_mean_and_unit_std()
    {
        // Batch = subset size, no augmentation: one batch is exactly one epoch of the subset.
        var data = new ViTDsl.Data(new DataSet.Synthetic(150, 0, 5)) { TrainImages = 100, Batch = 100, Flip = false, Crop = false, Normalisation = Normalisation.Standardise };
        using var batch = DataPipeline.Load(data, 28, 1).Sampler().Next(DataPosition.Start);
        Assert.Equal(0.0, batch.Images.mean().item<float>(), 4);
        Assert.Equal(1.0, batch.Images.std(unbiased: false).item<float>(), 3);
        var unit = DataPipeline.Load(data with { Normalisation = Normalisation.UnitRange }, 28, 1).Sampler().Next(DataPosition.Start);
        Assert.InRange(unit.Images.min().item<float>(), 0f, 1f);
        Assert.InRange(unit.Images.max().item<float>(), 0f, 1f);
        unit.Dispose();
    }

    [Fact]
    public void Resizing_matches_torch_bilinear_interpolation()
    {
        var pipeline = Synthetic(flip: false, crop: false, side: 56);
        var sampler = pipeline.Sampler();
        using var batch = sampler.Next(DataPosition.Start);
        var image = pipeline.Source.Train.Image(sampler.ImageAt(DataPosition.Start)).ToArray();
        using var source = torch.tensor(image.Select(b => b / 127.5f - 1f).ToArray(), [1, 1, 28, 28]);
        using var expected = nn.functional.interpolate(source, [56, 56], mode: InterpolationMode.Bilinear, align_corners: false);
        Assert.True(batch.Images[0].allclose(expected[0], rtol: 0, atol: 1e-5));
    }

    [Fact]
    public void A_crop_is_torchs_bilinear_resize_of_the_sampled_box()
    {
        var pipeline = Synthetic(flip: false, crop: true);
        var sampler = pipeline.Sampler();
        using var batch = sampler.Next(DataPosition.Start);
        var position = DataPosition.Start;
        int cropped = 0;
        for (int i = 0; i < 8; i++, position = position.Advance(100))
        {
            var random = new DataRandom(3, DataRandom.Augment, position.Epoch, position.Index); // the pipeline's seed is 3
            var (x, y, w, h) = pipeline.TrainTransform.SampleCrop(ref random);
            if (w < 28 || h < 28) cropped++;
            var image = pipeline.Source.Train.Image(sampler.ImageAt(position)).ToArray();
            using var full = torch.tensor(image.Select(b => b / 127.5f - 1f).ToArray(), [1, 1, 28, 28]);
            using var box = full[.., .., y..(y + h), x..(x + w)];
            using var expected = nn.functional.interpolate(box, [28, 28], mode: InterpolationMode.Bilinear, align_corners: false);
            Assert.True(batch.Images[i].allclose(expected[0], rtol: 0, atol: 1e-5), $"image {i}, box {x},{y} {w}×{h}");
        }
        Assert.True(cropped >= 6, $"only {cropped} of 8 images were cropped");
    }

    [Fact]
    public void Padding_centres_the_image_on_a_black_background()
    {
        var pipeline = Synthetic(flip: false, crop: false, side: 32, fit: Fit.Pad);
        var sampler = pipeline.Sampler();
        using var batch = sampler.Next(DataPosition.Start);
        var image = pipeline.Source.Train.Image(sampler.ImageAt(DataPosition.Start)).ToArray();
        using var expected = nn.functional.pad(torch.tensor(image.Select(b => b / 127.5f - 1f).ToArray(), [1, 28, 28]), [2, 2, 2, 2], value: -1);
        Assert.True(batch.Images[0].allclose(expected, rtol: 0, atol: 1e-6));
        Assert.Contains("Fit.Resize", Assert.Throws<ArgumentException>(() => Synthetic(side: 16, fit: Fit.Pad)).Message);
    }

    [Fact]
    public void Flip_mirrors_some_images_and_crop_changes_them()
    {
        var plain = Synthetic(flip: false, crop: false).Sampler();
        var flipped = Synthetic(flip: true, crop: false).Sampler();
        using var a = plain.Next(DataPosition.Start);
        using var b = flipped.Next(DataPosition.Start);
        int mirrored = 0, same = 0;
        for (int i = 0; i < 64; i++)
        {
            if (Same(b.Images[i], a.Images[i].flip(-1))) mirrored++;
            else if (Same(b.Images[i], a.Images[i])) same++;
        }
        Assert.Equal(64, mirrored + same);
        Assert.InRange(mirrored, 16, 48); // a fair coin over 64 images
        using var c = Synthetic(flip: false, crop: true).Sampler().Next(DataPosition.Start);
        Assert.False(Same(c.Images, a.Images));
        Assert.Equal(a.Labels.data<long>().ToArray(), c.Labels.data<long>().ToArray());
    }

    [Fact]
    public void An_experiment_builds_its_pipeline_and_checks_the_classifier()
    {
        var experiment = new Experiment(Vit.Ti(4) with { Image = 28, Channels = 1, Classifier = new(10) })
        {
            Data = new ViTDsl.Data(new DataSet.FashionMnist()) { TrainImages = 500, Batch = 16, Crop = false },
        };
        var pipeline = DataPipeline.Load(experiment);
        Assert.Equal(500, pipeline.Subset.Length);
        using var loader = pipeline.Batches();
        using var batch = loader.Next();
        Assert.Equal(new long[] { 16, 1, 28, 28 }, batch.Images.shape);
        var testBatches = pipeline.TestBatches(4096).ToList();
        Assert.Equal(new long[] { 4096, 4096, 1808 }, testBatches.Select(b => b.Images.shape[0]));
        testBatches.ForEach(b => b.Dispose());
        var tooFew = experiment with { Model = experiment.Model with { Classifier = new(5) } };
        Assert.Contains("Classifier = new(10)", Assert.Throws<ArgumentException>(() => DataPipeline.Load(tooFew)).Message);
    }
}

internal sealed class ToleranceComparer(double tolerance) : IEqualityComparer<double>
{
    public bool Equals(double a, double b) => Math.Abs(a - b) <= tolerance;
    public int GetHashCode(double x) => 0;
}
