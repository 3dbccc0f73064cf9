using ViTDsl.Runtime.Data;
using ViTDsl.Tests.Data;
using Xunit.Abstractions;

namespace ViTDsl.Tests.Fuzz;

/// <summary>Random truncations and byte flips of IDX files, gzip-compressed (as data sets ship) and plain (FsCheck).</summary>
public sealed class IdxFuzzTests(ITestOutputHelper output) : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    private static IdxArray Images()
    {
        var random = new Random(11);
        var values = new byte[20 * 7 * 5];
        random.NextBytes(values);
        return new IdxArray([20, 7, 5], values);
    }

    private static void AssertClear(InvalidDataException e, string path)
    {
        Assert.Contains(path, e.Message);
        Assert.Contains("Re-download or reinstall it", e.Message);
    }

    [Fact]
    public void A_damaged_gzip_IDX_file_is_refused_naming_the_file_and_the_fix_or_read_exactly_as_written()
    {
        var path = _dir.File("images-idx3-ubyte.gz");
        var written = Images();
        IdxFile.Write(path, written, gzip: true);
        var original = File.ReadAllBytes(path);
        var outcomes = new Outcomes();

        Fuzzing.Run(200, damage =>
        {
            File.WriteAllBytes(path, damage.Apply(original));
            try
            {
                var read = Fuzzing.Within(Patience, () => IdxFile.Read(path), path);
                // Only bytes gzip does not protect (its time stamp, flags for the OS) may change without an error.
                Assert.Equal(written.Shape, read.Shape);
                Assert.Equal(written.Values, read.Values);
                outcomes.Add("read as written (damage in unprotected gzip header bytes)");
            }
            catch (InvalidDataException e)
            {
                AssertClear(e, path);
                outcomes.Add(e.Message.Contains("gzip") ? "refused: gzip stream damaged" : "refused: IDX header or length");
            }
        });
        output.WriteLine($"gzip IDX, {outcomes.Total} damaged files: {outcomes}");
        Assert.True(outcomes["refused: gzip stream damaged"] > 0);
    }

    [Fact]
    public void A_truncated_plain_IDX_file_or_one_with_a_damaged_header_is_refused_naming_the_file_and_the_fix()
    {
        // A plain IDX file has no checksum: a flipped pixel is indistinguishable from a real one (data sets ship as
        // gzip, whose CRC-32 catches that). What the format can check, its header and its length, must hold.
        var path = _dir.File("images-idx3-ubyte");
        var written = Images();
        IdxFile.Write(path, written, gzip: false);
        var original = File.ReadAllBytes(path);
        const int HeaderLength = 4 + 4 * 3;
        var outcomes = new Outcomes();

        Fuzzing.Run(200, damage =>
        {
            var inHeader = damage with { Flips = damage.Flips.Select(f => (f.Where, InHead: true, f.Xor)).ToArray() };
            var damaged = inHeader.Apply(original[..HeaderLength]);
            File.WriteAllBytes(path, damage.Truncate ? damage.Apply(original) : [.. damaged, .. original[HeaderLength..]]);
            try
            {
                var read = Fuzzing.Within(Patience, () => IdxFile.Read(path), path);
                // Flips in two dimensions can keep their product (e.g. 20×7 → 10×14): the values then stand as written.
                Assert.Equal(written.Values, read.Values);
                Assert.Equal(written.Values.Length, read.Shape.Aggregate(1L, (n, d) => n * d));
                outcomes.Add("read: same values, dimensions with the same product");
            }
            catch (InvalidDataException e)
            {
                AssertClear(e, path);
                outcomes.Add(damage.Truncate ? "refused: truncated" : "refused: header");
            }
        });
        output.WriteLine($"plain IDX, {outcomes.Total} damaged files: {outcomes}");
        Assert.True(outcomes["refused: truncated"] > 0 && outcomes["refused: header"] > 0);
    }
}
