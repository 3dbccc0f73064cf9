using System.IO.Compression;
using ViTDsl.Runtime.Data;

namespace ViTDsl.Tests.Data;

public class IdxFileTests : IDisposable
{
    private readonly TempDirectory dir = new();
    public void Dispose() => dir.Dispose();

    // Writes the IDX bytes by hand (independently of IdxFile.Write): magic 00 00 08 rank, big-endian dims, values.
    private static byte[] Raw(int[] shape, byte[] values)
    {
        var bytes = new List<byte> { 0, 0, 8, (byte)shape.Length };
        foreach (int d in shape) bytes.AddRange([(byte)(d >> 24), (byte)(d >> 16), (byte)(d >> 8), (byte)d]);
        bytes.AddRange(values);
        return bytes.ToArray();
    }

    private static byte[] Gzip(byte[] data)
    {
        using var output = new MemoryStream();
        using (var gz = new GZipStream(output, CompressionLevel.Fastest)) gz.Write(data);
        return output.ToArray();
    }

    private static byte[] Values(int n) => Enumerable.Range(0, n).Select(i => (byte)(i * 7 % 256)).ToArray();

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Reads_plain_and_gzip_files_written_by_hand(bool gzip)
    {
        var values = Values(3 * 4 * 5);
        var raw = Raw([3, 4, 5], values);
        string path = dir.File(gzip ? "images.gz" : "images");
        File.WriteAllBytes(path, gzip ? Gzip(raw) : raw);
        var array = IdxFile.Read(path);
        Assert.Equal(new[] { 3, 4, 5 }, array.Shape);
        Assert.Equal(values, array.Values);
    }

    [Fact]
    public void Write_then_read_round_trips_and_gzip_is_detected_by_content()
    {
        var array = new IdxArray([2, 3], Values(6));
        IdxFile.Write(dir.File("a.idx"), array, gzip: true); // no .gz extension on purpose
        Assert.Equal(0x1f, File.ReadAllBytes(dir.File("a.idx"))[0]);
        var back = IdxFile.Read(dir.File("a.idx"));
        Assert.Equal(array.Shape, back.Shape);
        Assert.Equal(array.Values, back.Values);
    }

    [Fact]
    public void A_bad_magic_is_refused_with_the_file_and_a_fix()
    {
        var raw = Raw([4], Values(4));
        raw[0] = 0x50; // e.g. a PNG or text file
        File.WriteAllBytes(dir.File("bad"), raw);
        var e = Assert.Throws<InvalidDataException>(() => IdxFile.Read(dir.File("bad")));
        Assert.Contains("not an IDX file", e.Message);
        Assert.Contains(dir.File("bad"), e.Message);
        Assert.Contains("apt-get install --reinstall dataset-fashion-mnist", e.Message);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_truncated_file_is_refused(bool gzip)
    {
        var raw = Raw([10, 4, 4], Values(160));
        var cut = raw.AsSpan(0, raw.Length - 17).ToArray();
        File.WriteAllBytes(dir.File("cut"), gzip ? Gzip(cut) : cut);
        Assert.Contains("truncated", Assert.Throws<InvalidDataException>(() => IdxFile.Read(dir.File("cut"))).Message);

        var header = raw.AsSpan(0, 9).ToArray(); // stops inside the dimensions
        File.WriteAllBytes(dir.File("header"), header);
        Assert.Contains("inside its header", Assert.Throws<InvalidDataException>(() => IdxFile.Read(dir.File("header"))).Message);
    }

    [Fact]
    public void A_truncated_gzip_stream_is_refused()
    {
        var gz = Gzip(Raw([100, 8, 8], Values(6400)));
        File.WriteAllBytes(dir.File("cut.gz"), gz.AsSpan(0, gz.Length / 2).ToArray());
        var e = Assert.Throws<InvalidDataException>(() => IdxFile.Read(dir.File("cut.gz")));
        Assert.Contains(dir.File("cut.gz"), e.Message);
    }

    [Fact]
    public void Extra_bytes_and_unsupported_types_are_refused()
    {
        var raw = Raw([4], Values(4)).Concat(new byte[] { 1, 2 }).ToArray();
        File.WriteAllBytes(dir.File("long"), raw);
        Assert.Contains("beyond", Assert.Throws<InvalidDataException>(() => IdxFile.Read(dir.File("long"))).Message);
        var floats = Raw([1], Values(4));
        floats[2] = 0x0D;
        File.WriteAllBytes(dir.File("float"), floats);
        Assert.Contains("only unsigned bytes", Assert.Throws<InvalidDataException>(() => IdxFile.Read(dir.File("float"))).Message);
    }

    [Fact]
    public void Image_and_label_count_mismatch_is_refused()
    {
        File.WriteAllBytes(dir.File("images"), Raw([5, 2, 2], Values(20)));
        File.WriteAllBytes(dir.File("labels"), Raw([4], [0, 1, 2, 3]));
        var e = Assert.Throws<InvalidDataException>(() => DataSetLoader.LoadPair(dir.File("images"), dir.File("labels"), null));
        Assert.Contains("5 images", e.Message);
        Assert.Contains("4 labels", e.Message);
    }

    [Fact]
    public void Images_and_labels_load_as_an_image_set_with_inferred_classes()
    {
        File.WriteAllBytes(dir.File("images"), Raw([4, 2, 3], Values(24)));
        File.WriteAllBytes(dir.File("labels"), Raw([4], [0, 2, 1, 2]));
        var set = DataSetLoader.LoadPair(dir.File("images"), dir.File("labels"), null);
        Assert.Equal((4, 1, 2, 3, 3), (set.Count, set.Channels, set.Height, set.Width, set.Classes));
        Assert.Equal(Values(24).Skip(12).Take(6), set.Image(2).ToArray());
        Assert.Equal(new[] { 1, 1, 2 }, set.ClassCounts());
    }

    [Fact]
    public void Four_dimensional_image_files_carry_their_channels()
    {
        File.WriteAllBytes(dir.File("images"), Raw([2, 3, 2, 2], Values(24)));
        File.WriteAllBytes(dir.File("labels"), Raw([2], [1, 0]));
        var set = DataSetLoader.LoadPair(dir.File("images"), dir.File("labels"), 4);
        Assert.Equal((2, 3, 2, 2, 4), (set.Count, set.Channels, set.Height, set.Width, set.Classes));
        Assert.Contains("labels need [N]", Assert.Throws<InvalidDataException>(() =>
            DataSetLoader.LoadPair(dir.File("images"), dir.File("images"), null)).Message);
    }

    [Fact]
    public void Missing_fashion_mnist_names_the_missing_file_and_where_to_put_it()
    {
        var e = Assert.Throws<FileNotFoundException>(() => DataSetLoader.Load(new DataSet.FashionMnist { Directory = dir.File("nowhere") }));
        Assert.Contains(Path.Combine(dir.File("nowhere"), "train-images-idx3-ubyte.gz") + " does not exist", e.Message);
        Assert.Contains("t10k-labels-idx1-ubyte.gz", e.Message);
        Assert.Contains("Directory", e.Message);
    }
}
