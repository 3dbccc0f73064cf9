namespace ViTDsl.Runtime.Analysis;

/// <summary>
/// <c>fit --mean-over LABEL</c>: one run per point of the other labels, its errors the mean over the label's values
/// (seeds, usually). A frontier taken over several seeds' runs picks the luckiest seed at each compute, a bias towards
/// low errors that grows with the number of seeds; the mean of the seeds' errors at each point is what a law of the
/// design describes. Every point must have every value of the label, so that each mean is over the same seeds.
/// </summary>
internal static class RunAverage
{
    /// <summary>The mean over <paramref name="label"/> of each point's runs, named by the point without that label.</summary>
    /// <exception cref="ArgumentException">No run has the label, or a point lacks some of its values (a trial still running or failed).</exception>
    public static IReadOnlyList<RunRecord> Over(IReadOnlyList<RunRecord> runs, string label) =>
        Averaged(runs, label, out var problem) ?? throw new ArgumentException($"--mean-over {label}: {problem}");

    /// <summary>As <see cref="Over"/>, or null with <paramref name="problem"/> saying why the runs cannot be averaged.</summary>
    private static List<RunRecord>? Averaged(IReadOnlyList<RunRecord> runs, string label, out string problem)
    {
        problem = "";
        var labelled = runs.Select(r => (Run: r, Labels: RunFilter.LabelsOf(r.Name))).ToList();
        if (labelled.Any(r => !r.Labels.ContainsKey(label)))
        {
            problem = labelled.All(r => !r.Labels.ContainsKey(label))
                ? $"no run has the label '{label}'; the runs' labels are {string.Join(", ", labelled.SelectMany(r => r.Labels.Keys).Distinct().Order())}."
                : $"run '{labelled.First(r => !r.Labels.ContainsKey(label)).Run.Name}' has no '{label}'; select the runs that do with --only.";
            return null;
        }
        var values = labelled.Select(r => r.Labels[label]).Distinct().Order().ToList();
        var averaged = new List<RunRecord>();
        foreach (var point in labelled.GroupBy(r => PointName(r.Labels, label)))
        {
            var have = point.Select(r => r.Labels[label]).ToHashSet();
            if (have.Count != point.Count() || values.Any(v => !have.Contains(v)))
            {
                problem = $"point '{point.Key}' has {label} = {string.Join(", ", point.Select(r => r.Labels[label]).Order())}, "
                    + $"not once each of {string.Join(", ", values)}; finish its trials, or select complete ones with --only {label}=….";
                return null;
            }
            if (point.Select(r => (r.Run.TrainingFlops, r.Run.ImagesSeen, r.Run.Parameters)).Distinct().Count() > 1)
            {
                problem = $"the runs of point '{point.Key}' differ in size or compute, so they are not "
                    + $"replicates of one point; average over a label that only repeats a point, such as a seed.";
                return null;
            }
            averaged.Add(Mean(point.Key, [.. point.Select(r => r.Run)]));
        }
        return averaged;
    }

    /// <summary>
    /// The runs an analysis fits unless told otherwise (<c>fit</c>, and the report of <c>sweep</c> and <c>report</c>): where
    /// they hold several seeds (<see cref="RunFilter.SeedLabel"/>) of every point, once each, the seeds' mean at each point
    /// (<see cref="Over"/>), since a frontier of single runs takes the luckiest seed at each compute, a bias that grows with
    /// the number of seeds; otherwise the runs as they are. The note says which, and is null for runs of one seed.
    /// </summary>
    public static (IReadOnlyList<RunRecord> Runs, string? Note) Replicates(IReadOnlyList<RunRecord> runs)
    {
        var seeds = runs.Select(r => RunFilter.LabelsOf(r.Name).GetValueOrDefault(RunFilter.SeedLabel)).OfType<string>().Distinct().Order().ToList();
        if (seeds.Count < 2) return (runs, null);
        string held = $"{seeds.Count} seeds ({string.Join(", ", seeds)})";
        if (Averaged(runs, RunFilter.SeedLabel, out var incomplete) is { } averaged)
            return (averaged, $"The runs hold {held} of every point, and each point is their mean ({runs.Count} runs, {averaged.Count} points): "
                + "a frontier of single runs would take the luckiest seed at each compute. Fit one seed with `fit --only seed=S`.");
        return (runs, $"The runs hold {held}, not all of every point ({incomplete}), so the frontier "
            + "takes the lowest error at each compute across them, which favours lucky runs: fit one seed with `fit --only seed=S`, "
            + "or the mean of complete points with `--only`.");
    }

    private static string PointName(IReadOnlyDictionary<string, string> labels, string without)
    {
        var point = string.Join(",", labels.Where(l => l.Key != without && l.Key != RunFilter.SweepLabel).Select(l => $"{l.Key}={l.Value}"));
        return labels.TryGetValue(RunFilter.SweepLabel, out var sweep) ? $"{sweep}/{point}" : point;
    }

    // Size and compute are the point's (every seed trains the same model for the same steps); errors are averaged, and a
    // few-shot error only where every run has it.
    private static RunRecord Mean(string name, IReadOnlyList<RunRecord> runs) => runs[0] with
    {
        Name = name,
        TestError = runs.Average(r => r.TestError),
        FewShotError = runs[0].FewShotError.Keys.Where(k => runs.All(r => r.FewShotError.ContainsKey(k)))
            .ToDictionary(k => k, k => runs.Average(r => r.FewShotError[k])),
    };
}
