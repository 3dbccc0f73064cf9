using System.Globalization;
using System.Text;
using System.Text.Json;

namespace ViTDsl.Runtime.Train.Metrics;

/// <summary>
/// Appends <see cref="MetricRecord"/>s to a JSON-lines file durably: each <see cref="Append(MetricRecord)"/> (or each
/// <see cref="Append(IEnumerable{MetricRecord})"/> batch) is written whole, flushed and fsynced before it returns, so
/// a recorded metric survives a crash. After a kill mid-write the file may end in a torn line; reading ignores it and
/// reopening cuts it off before appending. NaN and ±∞ are stored as the strings "NaN", "Infinity", "-Infinity".
/// Each record ends with the CRC-32 of its text (<c>"crc":"89abcdef"</c>), so a flipped digit is a damaged line, not
/// a wrong number; lines without one (files written before it existed) are read as they are.
/// </summary>
internal sealed class MetricsFile : IDisposable
{
    private readonly FileStream stream;
    private readonly object gate = new();

    private MetricsFile(FileStream stream, string path)
    {
        this.stream = stream;
        Path = path;
    }

    public string Path { get; }

    /// <summary>Opens (creating if needed) a metrics file for appending; a torn last line from a crash is removed first.</summary>
    public static MetricsFile Open(string path)
    {
        string? directory = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path));
        if (directory is not null) Directory.CreateDirectory(directory);
        bool created = !File.Exists(path);
        var stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read);
        try
        {
            var content = new byte[stream.Length];
            stream.ReadExactly(content);
            long valid = Parse(path, content, out _);
            if (valid < content.Length) stream.SetLength(valid);
            stream.Seek(0, SeekOrigin.End);
            stream.Flush(flushToDisk: true);
            if (created && directory is not null) Checkpoints.DurableFile.SyncDirectory(directory);
            return new MetricsFile(stream, path);
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    /// <summary>Appends one record and makes it durable.</summary>
    public void Append(MetricRecord record) => Append([record]);

    /// <summary>Appends one record and makes it durable.</summary>
    public void Append(long step, string name, double value) => Append(new MetricRecord(step, name, value));

    /// <summary>Appends several records with one write and one fsync.</summary>
    public void Append(IEnumerable<MetricRecord> records)
    {
        var text = new StringBuilder();
        foreach (var r in records)
        {
            if (string.IsNullOrEmpty(r.Name)) throw new ArgumentException("a metric needs a name, e.g. \"train/loss\"");
            var fields = $"{{\"step\":{r.Step.ToString(CultureInfo.InvariantCulture)},\"name\":{JsonSerializer.Serialize(r.Name)},\"value\":{FormatValue(r.Value)}";
            text.Append(fields).Append(CrcField).Append(Crc(Encoding.UTF8.GetBytes(fields))).Append("\"}\n");
        }
        var bytes = Encoding.UTF8.GetBytes(text.ToString());
        lock (gate)
        {
            stream.Write(bytes);
            stream.Flush(flushToDisk: true);
        }
    }

    /// <summary>Reads every complete record; a torn or damaged last line (from a crash) is ignored, damage elsewhere is an error.</summary>
    public static IReadOnlyList<MetricRecord> Read(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"Metrics file {path} does not exist.", path);
        byte[] content;
        using (var s = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite))
        {
            content = new byte[s.Length];
            s.ReadExactly(content);
        }
        Parse(path, content, out var records);
        return records;
    }

    public void Dispose()
    {
        lock (gate) stream.Dispose();
    }

    private static string FormatValue(double v) =>
        double.IsNaN(v) ? "\"NaN\"" : double.IsPositiveInfinity(v) ? "\"Infinity\"" : double.IsNegativeInfinity(v) ? "\"-Infinity\""
        : v.ToString("R", CultureInfo.InvariantCulture);

    // Returns the length of the valid prefix (complete records); only the last line may be invalid.
    private static long Parse(string path, byte[] content, out List<MetricRecord> records)
    {
        records = [];
        int start = content.AsSpan().StartsWith("\uFEFF"u8) ? 3 : 0, line = 1; // a BOM from an editor is harmless
        while (start < content.Length)
        {
            int newline = Array.IndexOf(content, (byte)'\n', start);
            int end = newline < 0 ? content.Length : newline;
            var record = TryParse(content.AsSpan(start, end - start));
            bool last = newline < 0 || IsBlank(content.AsSpan(newline + 1));
            if (record is null || newline < 0)
            {
                if (last) return start; // torn tail: drop it
                throw new InvalidDataException($"Metrics file {path} is damaged at line {line} (not a metric record, and not the " +
                                               "last line, so not a torn write); fix or remove that line.");
            }
            records.Add(record);
            start = newline + 1;
            line++;
        }
        return start;
    }

    private static bool IsBlank(ReadOnlySpan<byte> rest)
    {
        foreach (byte b in rest)
            if (b is not (0 or (byte)' ' or (byte)'\n' or (byte)'\r' or (byte)'\t')) return false;
        return true;
    }

    private const string CrcField = ",\"crc\":\"";

    private static string Crc(ReadOnlySpan<byte> fields) => System.IO.Hashing.Crc32.HashToUInt32(fields).ToString("x8", CultureInfo.InvariantCulture);

    private static MetricRecord? TryParse(ReadOnlySpan<byte> json)
    {
        json = json.TrimEnd("\r"u8);
        try
        {
            var reader = new Utf8JsonReader(json);
            using var document = JsonDocument.ParseValue(ref reader);
            if (reader.BytesConsumed != json.Length) return null; // more after the record: not one record
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object) return null;
            if (!root.TryGetProperty("step", out var step) || !root.TryGetProperty("name", out var name) || !root.TryGetProperty("value", out var value))
                return null;
            // Exactly these three fields (a file from before checksums), or these and a matching checksum.
            var fields = root.EnumerateObject().Count();
            if (root.TryGetProperty("crc", out var crc))
            {
                var at = json.LastIndexOf(Encoding.UTF8.GetBytes(CrcField));
                if (fields != 4 || at < 0 || crc.ValueKind != JsonValueKind.String || crc.GetString() != Crc(json[..at])) return null;
            }
            else if (fields != 3)
            {
                return null;
            }
            double v = value.ValueKind switch
            {
                JsonValueKind.Number => value.GetDouble(),
                JsonValueKind.String => value.GetString() switch
                {
                    "NaN" => double.NaN,
                    "Infinity" => double.PositiveInfinity,
                    "-Infinity" => double.NegativeInfinity,
                    _ => throw new FormatException(),
                },
                _ => throw new FormatException(),
            };
            return new MetricRecord(step.GetInt64(), name.GetString() ?? throw new FormatException(), v);
        }
        catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException)
        {
            return null;
        }
    }
}
