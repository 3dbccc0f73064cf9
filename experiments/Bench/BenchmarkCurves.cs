using System.Globalization;
using ViTDsl.Runtime.Analysis;

namespace ViTDsl.Experiments.Bench;

/// <summary>
/// Reads learning curves in the format of Alabdulmohsin, Neyshabur and Zhai's scaling-law benchmark ("Revisiting Neural
/// Scaling Laws in Language and Vision", NeurIPS 2022; github.com/google-research/google-research,
/// revisiting_neural_scaling_laws/data/benchmark.vision.csv): a header <c>Domain,Task,Model,Seen Examples,Loss,Training</c>,
/// one row per evaluation; a curve is one (Domain, Task, Model), and Training = 1 marks the points to fit, 0 the later
/// points the fit is scored on.
/// </summary>
internal static class BenchmarkCurves
{
    private static readonly string[] Columns = ["Domain", "Task", "Model", "Seen Examples", "Loss", "Training"];

    /// <summary>The curves in <paramref name="path"/> whose model starts with <paramref name="modelPrefix"/> (all when empty), in file order.</summary>
    public static IReadOnlyList<ExtrapolationTask> Read(string path, string modelPrefix = "")
    {
        if (!File.Exists(path))
            throw new FileNotFoundException($"No benchmark file at '{path}'. Give a CSV with the columns {string.Join(",", Columns)} (the scaling-law benchmark's benchmark.vision.csv).", path);
        using var reader = new StreamReader(path);
        var header = Split(reader.ReadLine() ?? "");
        var index = Columns.Select(c => Array.FindIndex(header, h => h.Trim() == c)).ToArray();
        if (index.Any(i => i < 0))
            throw new InvalidDataException($"'{path}' lacks the column(s) {string.Join(", ", Columns.Where((c, i) => index[i] < 0))}; its header must name {string.Join(",", Columns)}.");
        var curves = new Dictionary<(string, string, string), (List<ScalingPoint> train, List<ScalingPoint> test)>();
        var order = new List<(string, string, string)>();
        int number = 1;
        for (var line = reader.ReadLine(); line is not null; line = reader.ReadLine())
        {
            number++;
            if (line.Trim().Length == 0) continue;
            var f = Split(line);
            string Field(int column) => index[column] < f.Length ? f[index[column]].Trim()
                : throw new InvalidDataException($"'{path}' line {number} has {f.Length} fields; the header names {header.Length}.");
            double Number(int column) => double.TryParse(Field(column), NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v
                : throw new InvalidDataException($"'{path}' line {number}: {Columns[column]} = '{Field(column)}' is not a number.");
            var key = (Field(0), Field(1), Field(2));
            if (!key.Item3.StartsWith(modelPrefix, StringComparison.Ordinal)) continue;
            if (!curves.TryGetValue(key, out var curve)) { curves[key] = curve = ([], []); order.Add(key); }
            var point = new ScalingPoint(Number(3), Number(4));
            (Number(5) switch
            {
                1 => curve.train,
                0 => curve.test,
                var t => throw new InvalidDataException($"'{path}' line {number}: Training = {t}; it must be 1 (fit) or 0 (held out)."),
            }).Add(point);
        }
        return order.Where(k => curves[k].train.Count > 0 && curves[k].test.Count > 0)
            .Select(k => new ExtrapolationTask($"{k.Item3} {k.Item2}", k.Item3, curves[k].train, curves[k].test)).ToList();
    }

    /// <summary>Splits one CSV line at commas outside double quotes (the language file quotes its Big-Bench task tuples).</summary>
    private static string[] Split(string line)
    {
        var fields = new List<string>();
        var current = new System.Text.StringBuilder();
        bool quoted = false;
        foreach (char ch in line)
        {
            if (ch == '"') quoted = !quoted;
            else if (ch == ',' && !quoted) { fields.Add(current.ToString()); current.Clear(); }
            else current.Append(ch);
        }
        fields.Add(current.ToString());
        return fields.ToArray();
    }
}
