using System.Globalization;

namespace ViTDsl.Runtime.Analysis;

/// <summary>
/// Any (x, error) table as CSV, for results from elsewhere (a paper's appendix table, another framework's logs): a
/// header row naming the two columns (e.g. <c>images_seen,error</c>), then one row per point. x is the first column,
/// the error the second; further columns are ignored. Invariant culture, blank lines skipped.
/// </summary>
internal static class PointTable
{
    public static IReadOnlyList<ScalingPoint> Read(string path)
    {
        if (!File.Exists(path))
            throw new FileNotFoundException($"No points file at '{path}'. Give a CSV whose header names two columns, x then error (e.g. 'compute,error').", path);
        var lines = File.ReadAllLines(path).Select((text, i) => (text, number: i + 1)).Where(l => l.text.Trim().Length > 0).ToList();
        if (lines.Count < 2)
            throw new InvalidDataException($"'{path}' has no points: it needs a header row naming x and error, then one row per point.");
        var header = lines[0].text.Split(',');
        if (header.Length < 2)
            throw new InvalidDataException($"'{path}' header '{lines[0].text}' names one column; it needs two: x, then error.");
        var points = new List<ScalingPoint>();
        foreach (var (text, number) in lines.Skip(1))
        {
            var fields = text.Split(',');
            double Number(int column) => fields.Length > column && double.TryParse(fields[column].Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var v)
                ? v : throw new InvalidDataException($"'{path}' line {number}: column {header[column].Trim()} = '{(fields.Length > column ? fields[column].Trim() : "")}' is not a number.");
            points.Add(new ScalingPoint(Number(0), Number(1)));
        }
        return points;
    }
}
