using System.Text;
using ViTDsl.Runtime.Train.Metrics;
using ViTDsl.Tests.Data;

namespace ViTDsl.Tests.Train;

public class MetricsFileTests : IDisposable
{
    private readonly TempDirectory dir = new();
    public void Dispose() => dir.Dispose();

    [Fact]
    public void Records_read_back_in_order_including_non_finite_values()
    {
        string path = dir.File("metrics.jsonl");
        using (var metrics = MetricsFile.Open(path))
        {
            metrics.Append(0, "train/loss", 2.302585092994046);
            metrics.Append([new(10, "train/loss", 1.5), new(10, "lr", 8e-4), new(11, "grad \"norm\"", double.NaN)]);
            metrics.Append(12, "x", double.NegativeInfinity);
        }
        var records = MetricsFile.Read(path);
        Assert.Equal(new MetricRecord[]
        {
            new(0, "train/loss", 2.302585092994046), new(10, "train/loss", 1.5), new(10, "lr", 8e-4),
            new(11, "grad \"norm\"", double.NaN), new(12, "x", double.NegativeInfinity),
        }, records);
    }

    [Fact]
    public void A_torn_last_line_is_ignored_and_cut_off_before_appending_again()
    {
        string path = dir.File("metrics.jsonl");
        using (var metrics = MetricsFile.Open(path))
            metrics.Append([new(1, "loss", 1.0), new(2, "loss", 0.5)]);
        File.AppendAllText(path, "{\"step\":3,\"name\":\"lo"); // a kill in the middle of a write
        Assert.Equal(2, MetricsFile.Read(path).Count);

        using (var metrics = MetricsFile.Open(path))
            metrics.Append(3, "loss", 0.25);
        Assert.Equal(new MetricRecord[] { new(1, "loss", 1.0), new(2, "loss", 0.5), new(3, "loss", 0.25) }, MetricsFile.Read(path));
        // The record's CRC-32 as Python's zlib.crc32 computes it over the text before it.
        Assert.EndsWith("\n{\"step\":3,\"name\":\"loss\",\"value\":0.25,\"crc\":\"47b7e5f7\"}\n", File.ReadAllText(path));
    }

    [Fact]
    public void A_file_written_before_records_had_checksums_reads_and_a_changed_value_in_a_checksummed_one_does_not()
    {
        string path = dir.File("metrics.jsonl");
        File.WriteAllText(path, "{\"step\":1,\"name\":\"loss\",\"value\":1.5}\n{\"step\":2,\"name\":\"loss\",\"value\":0.75,\"crc\":\"00000000\"}\n{\"step\":3,\"name\":\"loss\",\"value\":0.25,\"crc\":\"47b7e5f7\"}\n");
        var e = Assert.Throws<InvalidDataException>(() => MetricsFile.Read(path));
        Assert.Contains("line 2", e.Message);
        File.WriteAllText(path, "{\"step\":1,\"name\":\"loss\",\"value\":1.5}\n{\"step\":3,\"name\":\"loss\",\"value\":0.25,\"crc\":\"47b7e5f7\"}\n");
        Assert.Equal(new MetricRecord[] { new(1, "loss", 1.5), new(3, "loss", 0.25) }, MetricsFile.Read(path));
    }

    [Fact]
    public void Zero_bytes_after_a_power_loss_count_as_a_torn_tail()
    {
        string path = dir.File("metrics.jsonl");
        using (var metrics = MetricsFile.Open(path)) metrics.Append(1, "loss", 1.0);
        using (var f = new FileStream(path, FileMode.Append)) f.Write(new byte[64]);
        Assert.Single(MetricsFile.Read(path));
    }

    [Fact]
    public void Damage_before_the_last_line_is_an_error_with_the_line_number()
    {
        string path = dir.File("metrics.jsonl");
        File.WriteAllText(path, "{\"step\":1,\"name\":\"a\",\"value\":1}\nnot json\n{\"step\":2,\"name\":\"a\",\"value\":2}\n", Encoding.UTF8);
        var e = Assert.Throws<InvalidDataException>(() => MetricsFile.Read(path));
        Assert.Contains("line 2", e.Message);
        Assert.Throws<InvalidDataException>(() => MetricsFile.Open(path));
    }
}
