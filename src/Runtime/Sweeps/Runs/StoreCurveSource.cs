using System.Text.Json;
using ViTDsl.Runtime.Store;
using ViTDsl.Runtime.Workers;

namespace ViTDsl.Runtime.Analysis;

/// <summary>
/// The learning curves in a results store: the periodic "test/error" evaluations of its succeeded trials, pooled per
/// lineage up to each run's cooldown (<see cref="LearningCurve"/>). Trials recorded before the store kept lineages, or
/// whose schedule decays over the whole run (nothing shared), make one curve each from all their evaluations.
/// </summary>
internal sealed class StoreCurveSource(string path, AnalysedTrials? analysed = null)
{
    public IReadOnlyList<LearningCurve> ReadCurves()
    {
        using var store = ResultsStore.Open(path);
        var trials = new List<(TrainingTrial Spec, List<CurvePoint> Points)>();
        foreach (var trial in (analysed ?? new()).Of(store))
        {
            var spec = JsonSerializer.Deserialize<TrainingTrial>(trial.SpecJson, TrainingTrial.Json);
            if (spec is null || spec.Steps <= 0) continue;
            long last = spec.SharedSteps is > 0 and var shared ? shared : spec.Steps;
            var points = store.Metrics(trial.Id).Where(m => m.Name == MetricName.TestError && m.Step >= 1 && m.Step <= last && double.IsFinite(m.Value))
                .Select(m => new CurvePoint(m.Step, m.Value)).ToList();
            trials.Add((spec, points));
        }
        var curves = trials
            .GroupBy(t => t.Spec.Lineage is { } l && t.Spec.SharedSteps > 0 ? l : "trial:" + t.Spec.Experiment)
            .Select(Pool).Where(c => c.Points.Count >= 2).ToList(); // a final evaluation alone is no curve (stores before Evaluations)
        // A variant trained on two data sets (or with two recipes) makes two curves: name them apart (seeds say their seed).
        return curves.GroupBy(c => (c.Variant, c.Seed)).SelectMany(g => g.Count() == 1 ? g.ToList()
            : g.Select(c => c with { Label = $"{c.Variant} · {c.Runs[^1]}" })).OrderBy(c => c.Parameters).ThenBy(c => c.Label).ToList();
    }

    private static LearningCurve Pool(IEnumerable<(TrainingTrial Spec, List<CurvePoint> Points)> lineage)
    {
        var runs = lineage.OrderBy(t => t.Spec.Steps).ToList();
        var longest = runs[^1].Spec;
        // Every run of a lineage evaluated the same weights at a shared step; keep one value per step.
        var points = runs.SelectMany(r => r.Points).GroupBy(p => p.Step).Select(g => g.First()).OrderBy(p => p.Step).ToList();
        long batch = longest.ImagesSeen / Math.Max(longest.Steps, 1);
        var seed = RunFilter.LabelsOf(longest.Experiment).GetValueOrDefault(RunFilter.SeedLabel);
        return new LearningCurve(longest.Variant + LearningCurve.SeedSuffix(seed), longest.Variant, longest.Parameters, batch,
            longest.TrainingFlops / Math.Max(longest.ImagesSeen, 1), runs.Select(r => r.Spec.Experiment).ToList(), points)
        {
            TrainImages = longest.TrainImages,
            Seed = seed,
        };
    }
}
