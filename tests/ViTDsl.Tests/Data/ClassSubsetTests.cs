using System.IO.Compression;
using ViTDsl.Runtime.Data;

namespace ViTDsl.Tests.Data;

// DataSet.ClassSubset reads only the kept classes, relabelled in the order listed; checked against the label files
// counted by hand (an independent gzip read of the raw bytes), image by image.
public class ClassSubsetTests
{
    private static readonly int[] Kept = [9, 6, 7, 8]; // deliberately not sorted: class 9 becomes label 0

    // The raw labels of a Fashion-MNIST label file: skip the 8-byte IDX header.
    private static byte[] RawLabels(string file)
    {
        using var gz = new GZipStream(File.OpenRead(Path.Combine(DataSet.FashionMnistDirectory, file)), CompressionMode.Decompress);
        using var buffer = new MemoryStream();
        gz.CopyTo(buffer);
        return buffer.ToArray()[8..];
    }

    [Fact]
    public void Four_fashion_classes_keep_exactly_their_images_in_file_order_relabelled_as_listed()
    {
        var subset = DataSetLoader.Load(new DataSet.ClassSubset(new DataSet.FashionMnist(), new ValueList<int>(Kept)));
        foreach (var (split, full, file) in new[] { (subset.Train, FashionMnist.Loaded.Train, "train-labels-idx1-ubyte.gz"), (subset.Test, FashionMnist.Loaded.Test, "t10k-labels-idx1-ubyte.gz") })
        {
            var raw = RawLabels(file);
            var positions = Enumerable.Range(0, raw.Length).Where(i => Kept.Contains(raw[i])).ToArray();
            Assert.Equal(positions.Length, split.Count);
            Assert.Equal(4, split.Classes);
            for (int label = 0; label < Kept.Length; label++) // the hand count of each kept class, under its new label
                Assert.Equal(raw.Count(b => b == Kept[label]), split.ClassCounts()[label]);
            for (int i = 0; i < positions.Length; i++)
            {
                Assert.Equal(Array.IndexOf(Kept, (int)raw[positions[i]]), split.Labels[i]);
                Assert.True(split.Image(i).SequenceEqual(full.Image(positions[i])), $"image {i} is not image {positions[i]} of the full split");
            }
        }
        Assert.Equal((24_000, 4_000), (subset.Train.Count, subset.Test.Count)); // Fashion-MNIST: 6,000 + 1,000 per class
    }

    [Fact]
    public void A_class_an_idx_set_lacks_is_refused_when_read_naming_the_classes_it_has()
    {
        var e = Assert.Throws<ArgumentException>(() => ClassSubsets.Select(FashionMnist.Loaded.Test, [3, 12], "idx(x)[classes 3,12]"));
        Assert.Contains("keeps class 12, but its data set has classes 0…9", e.Message);
    }
}
