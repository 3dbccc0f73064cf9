using System.Globalization;
using System.Text;

namespace ViTDsl.Runtime.Analysis;

/// <summary>
/// Runs in a CSV file with the header <c>name,variant,parameters,images_seen,training_flops,test_error</c>, an optional
/// <c>data_set</c> column (the upstream data set's few-shot target name, e.g. <c>fashion_mnist</c>), and any number of
/// few-shot columns named as recorded, <c>fewshot/&lt;target&gt;/&lt;k&gt;shot_error</c> (mean k-shot error; empty where
/// not measured); an older file's <c>fewshot_K</c> column is refused with its new name. Invariant culture; fields may be
/// double-quoted (RFC 4180) so run names can hold commas.
/// </summary>
internal sealed class CsvRunSource(string path) : IRunSource
{
    private static readonly string[] Required = ["name", "variant", "parameters", "images_seen", "training_flops", "test_error"];
    private const string DataSetColumn = "data_set";

    public string Description => path;

    public IReadOnlyList<RunRecord> ReadRuns()
    {
        var lines = Records(File.ReadAllText(path)).Where(l => !(l.fields.Count == 1 && l.fields[0].Trim().Length == 0)).ToList();
        if (lines.Count == 0)
            throw new InvalidDataException($"'{path}' is empty; it needs the header {string.Join(",", Required)}[,data_set][,fewshot/<target>/<k>shot_error…].");
        var header = lines[0].fields.Select(h => h.Trim()).ToList();
        var missing = Required.Where(r => !header.Contains(r)).ToList();
        if (missing.Count > 0)
            throw new InvalidDataException($"'{path}' lacks column(s) {string.Join(", ", missing)}; the header must contain {string.Join(",", Required)}.");
        var fewShotColumns = header.Where(h => h.StartsWith("fewshot", StringComparison.Ordinal)).ToList();
        foreach (var column in fewShotColumns)
            if (!FewShotErrorName.TryParse(column, out _))
                throw new InvalidDataException($"Column '{column}' in '{path}' is not a few-shot error's name; rename it " +
                                               $"fewshot/<target>/<k>shot_error, e.g. {FixOf(column)}.");
        var runs = new List<RunRecord>();
        foreach (var (fields, number) in lines.Skip(1))
        {
            if (fields.Count != header.Count)
                throw new InvalidDataException($"'{path}' line {number} has {fields.Count} fields but the header has {header.Count}.");
            string Text(string column) => fields[header.IndexOf(column)].Trim();
            double Number(string column) => double.TryParse(Text(column), NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v
                : throw new InvalidDataException($"'{path}' line {number}: column {column} = '{Text(column)}' is not a number.");
            var upstream = header.Contains(DataSetColumn) && Text(DataSetColumn).Length > 0 ? Text(DataSetColumn) : MetricName.UnnamedUpstream;
            var fewShot = new Dictionary<FewShotErrorName, double>();
            foreach (var column in fewShotColumns)
                if (Text(column).Length > 0 && FewShotErrorName.TryParse(column, out var metric)) fewShot[metric] = Number(column);
            runs.Add(new RunRecord(Text("name"), Text("variant"), (long)Number("parameters"), (long)Number("images_seen"),
                Number("training_flops"), Number("test_error")) { FewShotError = fewShot, UpstreamDataSet = upstream });
        }
        return runs;
    }

    /// <summary>The name an older file's column (<c>fewshot_10</c>: the upstream's 10-shot error) has now, or an example.</summary>
    private static string FixOf(string column) =>
        column.StartsWith("fewshot_", StringComparison.Ordinal) && int.TryParse(column["fewshot_".Length..], NumberStyles.None, CultureInfo.InvariantCulture, out var k) && k > 0
            ? $"fewshot/<upstream data set, e.g. fashion_mnist>/{k}shot_error for the upstream's {k}-shot error"
            : "fewshot/mnist_digits/10shot_error";

    /// <summary>Writes <paramref name="runs"/> in the format <see cref="ReadRuns"/> reads.</summary>
    public static void Write(string path, IEnumerable<RunRecord> runs)
    {
        var list = runs.ToList();
        var fewShot = list.SelectMany(r => r.FewShotError.Keys).Distinct()
            .OrderBy(k => k.Target, StringComparer.Ordinal).ThenBy(k => k.Shots).ToList();
        var text = new StringBuilder();
        text.AppendLine(string.Join(",", Required.Append(DataSetColumn).Concat(fewShot.Select(k => k.Name))));
        static string R(double v) => v.ToString("R", CultureInfo.InvariantCulture);
        foreach (var r in list)
        {
            IEnumerable<string> fields = [Quote(r.Name), Quote(r.Variant), r.Parameters.ToString(CultureInfo.InvariantCulture),
                r.ImagesSeen.ToString(CultureInfo.InvariantCulture), R(r.TrainingFlops), R(r.TestError), Quote(r.UpstreamDataSet)];
            fields = fields.Concat(fewShot.Select(k => r.FewShotError.TryGetValue(k, out var e) ? R(e) : ""));
            text.AppendLine(string.Join(",", fields));
        }
        File.WriteAllText(path, text.ToString());
    }

    private static string Quote(string s) => s.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? "\"" + s.Replace("\"", "\"\"") + "\"" : s;

    // RFC 4180 records with the line each starts on: a quoted field may hold commas, doubled quotes and line breaks.
    private static IEnumerable<(List<string> fields, int number)> Records(string text)
    {
        var (fields, field) = (new List<string>(), new StringBuilder());
        var (quoted, line, start) = (false, 1, 1);
        for (var i = 0; i < text.Length; i++)
        {
            var ch = text[i];
            if (ch == '\n') line++;
            if (quoted)
            {
                if (ch == '"' && i + 1 < text.Length && text[i + 1] == '"') { field.Append('"'); i++; }
                else if (ch == '"') quoted = false;
                else field.Append(ch);
            }
            else if (ch == '"') quoted = true;
            else if (ch == ',') { fields.Add(field.ToString()); field.Clear(); }
            else if (ch == '\n' || ch == '\r' && i + 1 < text.Length && text[i + 1] == '\n') { }
            else field.Append(ch);
            if (quoted || ch != '\n') continue;
            fields.Add(field.ToString());
            yield return (fields, start);
            (fields, field, start) = (new List<string>(), new StringBuilder(), line);
        }
        if (fields.Count > 0 || field.Length > 0) { fields.Add(field.ToString()); yield return (fields, start); }
    }
}
