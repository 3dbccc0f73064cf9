namespace ViTDsl.Runtime.Analysis;

/// <summary>
/// <c>fit --only LABEL=V[,V…]</c>: keeps the runs whose name carries one of the values under the label. A run's name is
/// its sweep and point, <c>Sweep/model=…,seed=2,steps=625</c>; its labels are the point's and <c>sweep</c>. Several
/// filters must all hold, so one seed of a replicated study, or a design read as a subset of a denser grid, is fitted
/// as it would be on its own.
/// </summary>
internal sealed record RunFilter(string Label, IReadOnlySet<string> Values)
{
    /// <summary>The pseudo-label of the sweep a run belongs to (its name's part before the '/').</summary>
    public const string SweepLabel = "sweep";

    /// <summary>The label of a seed axis: studies name theirs by it (the experiments' <c>Labels.Seed</c> is this constant), and the analysis averages replicate seeds by it (<see cref="RunAverage.Replicates"/>).</summary>
    public const string SeedLabel = "seed";

    /// <summary>Parses <c>label=v1,v2</c>.</summary>
    /// <exception cref="FormatException">Not of that form; the message says what is.</exception>
    public static RunFilter Parse(string text)
    {
        var at = text.IndexOf('=');
        var values = at < 0 ? [] : text[(at + 1)..].Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (at <= 0 || values.Length == 0)
            throw new FormatException($"'{text}' is not LABEL=VALUE[,VALUE…], e.g. seed=2 or steps=625,1250");
        return new(text[..at].Trim(), new HashSet<string>(values, StringComparer.Ordinal));
    }

    /// <summary>A run name's labels and their values.</summary>
    public static IReadOnlyDictionary<string, string> LabelsOf(string runName)
    {
        // The sweep is a C# name, before the first '/'; values may hold '/' themselves (model=B/16).
        var slash = runName.IndexOf('/');
        if (slash > 0 && runName[..slash].Contains('=')) slash = -1;
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        if (slash > 0) labels[SweepLabel] = runName[..slash];
        foreach (var pair in runName[(slash + 1)..].Split(','))
            if (pair.IndexOf('=') is > 0 and var eq) labels[pair[..eq]] = pair[(eq + 1)..];
        return labels;
    }

    public bool Keeps(RunRecord run) => LabelsOf(run.Name).TryGetValue(Label, out var value) && Values.Contains(value);

    /// <summary>The runs every filter keeps.</summary>
    /// <exception cref="ArgumentException">A filter names a label no run has, or a value no run has under it: a typo, not an empty study.</exception>
    public static IReadOnlyList<RunRecord> Apply(IReadOnlyList<RunRecord> runs, IReadOnlyList<RunFilter> filters)
    {
        var labels = runs.Select(r => LabelsOf(r.Name)).ToList();
        foreach (var filter in filters)
        {
            var present = labels.Where(l => l.ContainsKey(filter.Label)).Select(l => l[filter.Label]).ToHashSet();
            if (present.Count == 0)
                throw new ArgumentException($"--only {filter.Label}=…: no run has the label '{filter.Label}'; the runs' labels are "
                    + string.Join(", ", labels.SelectMany(l => l.Keys).Distinct().Order()) + ".");
            if (filter.Values.FirstOrDefault(v => !present.Contains(v)) is { } missing)
                throw new ArgumentException($"--only {filter.Label}=…: no run has {filter.Label}={missing}; its values are "
                    + string.Join(", ", present.Order()) + ".");
        }
        return runs.Where(r => filters.All(f => f.Keeps(r))).ToList();
    }
}
