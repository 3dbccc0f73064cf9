using ViTDsl.Runtime.Data;

namespace ViTDsl.Tests.Data;

/// <summary>Loads the real Fashion-MNIST once for the tests that need it (≈ 1 s).</summary>
internal static class FashionMnist
{
    private static readonly Lazy<LoadedDataSet> Data = new(() => DataSetLoader.Load(new DataSet.FashionMnist()));
    public static LoadedDataSet Loaded => Data.Value;
}

public class FashionMnistTests
{
    [Fact]
    public void The_installed_files_hold_60k_train_and_10k_test_images_of_28x28_in_10_balanced_classes()
    {
        var (train, test) = FashionMnist.Loaded;
        Assert.Equal((60_000, 1, 28, 28, 10), (train.Count, train.Channels, train.Height, train.Width, train.Classes));
        Assert.Equal((10_000, 1, 28, 28), (test.Count, test.Channels, test.Height, test.Width));
        Assert.All(train.Labels, l => Assert.InRange(l, 0, 9));
        Assert.Equal(Enumerable.Repeat(6000, 10), train.ClassCounts());
        Assert.Equal(Enumerable.Repeat(1000, 10), test.ClassCounts());
        Assert.Equal(9, train.Labels[0]); // the first training image is an ankle boot (class 9)
    }

    [Fact]
    public void Pixels_agree_with_an_independent_gzip_read()
    {
        // An independent decoding: skip the 16-byte header of the decompressed file and compare bytes.
        using var gz = new System.IO.Compression.GZipStream(File.OpenRead("/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz"),
            System.IO.Compression.CompressionMode.Decompress);
        using var buffer = new MemoryStream();
        gz.CopyTo(buffer);
        var raw = buffer.ToArray();
        Assert.Equal(raw.AsSpan(16).ToArray(), FashionMnist.Loaded.Test.Pixels);
    }
}
