using System.Text.Json;
using ViTDsl.Runtime.Store;
using ViTDsl.Runtime.Workers;

namespace ViTDsl.Runtime.Analysis;

/// <summary>
/// The succeeded trials of a results store (all sweeps, or one) as run records: size, images seen and compute from
/// each trial's recorded spec, errors from its final metrics (<see cref="MetricName.TestError"/> and few-shot errors,
/// <see cref="FewShotErrorName"/>; opening a store rewrites older spellings once, see the schema's version 4).
/// </summary>
internal sealed class StoreRunSource(string path, AnalysedTrials? trials = null) : IRunSource
{
    private readonly AnalysedTrials trials = trials ?? new();
    private IReadOnlyList<string> undeclared = [];

    public StoreRunSource(string path, string? sweep) : this(path, new AnalysedTrials(sweep)) { }

    public string Description => (trials.Sweep is null ? Store.PostgresUrl.Redact(path) : $"{Store.PostgresUrl.Redact(path)} (sweep {trials.Sweep})") // never a password in a report
        + (undeclared.Count == 0 ? "" : $"; {undeclared.Count} stored run(s) the sweep no longer declares left out: {string.Join(", ", undeclared)}");

    /// <summary>The same trials' learning curves (their evaluations during training).</summary>
    public StoreCurveSource Curves() => new(path, trials);

    public IReadOnlyList<RunRecord> ReadRuns()
    {
        using var store = ResultsStore.Open(path);
        undeclared = trials.Undeclared(store);
        var runs = new List<RunRecord>();
        foreach (var trial in trials.Of(store))
        {
            var spec = JsonSerializer.Deserialize<TrainingTrial>(trial.SpecJson, TrainingTrial.Json);
            if (spec is null) continue;
            var final = store.Metrics(trial.Id).Where(m => m.Step == spec.Steps).ToDictionary(m => m.Name, m => m.Value);
            if (!final.TryGetValue(MetricName.TestError, out var testError)) continue;
            var upstream = spec.DataSet ?? MetricName.UnnamedUpstream;
            var fewShot = new Dictionary<FewShotErrorName, double>();
            foreach (var (metricName, value) in final)
                if (FewShotErrorName.TryParse(metricName, out var metric)) fewShot[metric] = value;
            runs.Add(new RunRecord(spec.Experiment, spec.Variant, spec.Parameters, spec.ImagesSeen, spec.TrainingFlops, testError)
            {
                FewShotError = fewShot,
                UpstreamDataSet = upstream,
            });
        }
        return runs;
    }
}
