using ViTDsl.Runtime.Train.Metrics;
using ViTDsl.Tests.Data;
using Xunit.Abstractions;

namespace ViTDsl.Tests.Fuzz;

/// <summary>Random truncations and byte flips of metrics files (FsCheck).</summary>
public sealed class MetricsFileFuzzTests(ITestOutputHelper output) : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    private static readonly MetricRecord[] Written = Enumerable.Range(0, 24)
        .Select(i => new MetricRecord(i * 10, i % 3 == 0 ? "test/error" : "train/loss", i switch
        {
            5 => double.NaN, 6 => double.PositiveInfinity, 7 => double.NegativeInfinity, _ => Math.Exp(-i / 7.0) * 1.2345678901234,
        }))
        .ToArray();

    [Fact]
    public void A_damaged_metrics_file_is_refused_at_the_damaged_line_or_read_as_its_intact_prefix_never_with_a_changed_value()
    {
        var path = _dir.File("metrics.jsonl");
        using (var file = MetricsFile.Open(path)) file.Append(Written);
        var original = File.ReadAllBytes(path);
        var outcomes = new Outcomes();

        Fuzzing.Run(200, damage =>
        {
            File.WriteAllBytes(path, damage.Apply(original));
            try
            {
                var read = Fuzzing.Within(Patience, () => MetricsFile.Read(path), path);
                // Recovery: the records before the damage, exactly; a torn or damaged last line is dropped.
                Assert.Equal(Written.Take(read.Count), read);
                outcomes.Add(read.Count == Written.Length ? "read whole (damage in a line's trailing newline)" : "read: intact prefix, damaged tail dropped");

                // Reopening cuts the damaged tail off, and appending goes on from the intact prefix.
                using (var file = MetricsFile.Open(path)) file.Append(new MetricRecord(999, "train/loss", 0.5));
                Assert.Equal([.. Written.Take(read.Count), new MetricRecord(999, "train/loss", 0.5)], MetricsFile.Read(path));
            }
            catch (InvalidDataException e)
            {
                Assert.Contains(path, e.Message);
                Assert.Contains("fix or remove that line", e.Message);
                Assert.Throws<InvalidDataException>(() => MetricsFile.Open(path).Dispose()); // never appended past damage
                outcomes.Add("refused: damaged line before the last");
            }
        });
        output.WriteLine($"metrics files, {outcomes.Total} damaged files: {outcomes}");
        Assert.True(outcomes["refused: damaged line before the last"] > 0 && outcomes["read: intact prefix, damaged tail dropped"] > 0);
    }
}
