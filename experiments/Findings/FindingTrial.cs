using System.Text.Json;
using ViTDsl.Runtime.Models;
using ViTDsl.Runtime.Store;
using ViTDsl.Runtime.Workers;

namespace ViTDsl.Experiments.Findings;

/// <summary>
/// One finished trial of a findings study: its axis labels (model, seed, variant, …), its declaration and plan facts,
/// and its final metrics from the results store.
/// </summary>
internal sealed record FindingTrial(string Name, IReadOnlyDictionary<string, string> Labels, GeneratedExperiment Experiment, IReadOnlyDictionary<string, double> Final)
{
    public Experiment Declaration => Experiment.Declaration;
    public long Seed => Declaration.Data.Seed;
    public long Steps => Declaration.Steps;
    public long ImagesSeen => Declaration.Steps * Declaration.Data.Batch;
    public double TrainingFlops => TrainingCompute.Of(Declaration, ImagesSeen).Flops;

    public double TestError => Metric("test/error");

    /// <summary>The precision it trained in: what <see cref="Precision.Auto"/> resolved to (stored with the trial), else the declared one.</summary>
    public string? TrainedIn { get; init; }

    /// <summary>A final metric; a trial without it is a study recorded by another version, which the message says how to redo.</summary>
    public double Metric(string name) => Final.TryGetValue(name, out var v) ? v
        : throw new InvalidDataException($"Trial '{Name}' has no final '{name}' metric; delete its sweep from the results store (or use a fresh --runs folder) and run `vitdsl findings` again.");

    /// <summary>The label of <paramref name="axis"/>, e.g. Label("variant") = "pool-gap".</summary>
    public string Label(string axis) => Labels.TryGetValue(axis, out var v) ? v
        : throw new InvalidOperationException($"Trial '{Name}' has no '{axis}' axis; the findings analysis and the study declarations disagree.");

    /// <summary>The succeeded trials of <paramref name="sweep"/> recorded in <paramref name="store"/>.</summary>
    public static IReadOnlyList<FindingTrial> Load(ResultsStore store, GeneratedSweep sweep)
    {
        var declared = sweep.Trials.ToDictionary(t => t.Name);
        var trials = new List<FindingTrial>();
        foreach (var record in store.Trials(sweep.Name).Where(t => t.Status == TrialStatus.Succeeded))
        {
            var spec = JsonSerializer.Deserialize<TrainingTrial>(record.SpecJson, TrainingTrial.Json);
            if (spec is null || !declared.TryGetValue(spec.Experiment, out var experiment)) continue; // a trial this build no longer declares
            var final = store.Metrics(record.Id).Where(m => m.Step == spec.Steps).GroupBy(m => m.Name).ToDictionary(g => g.Key, g => g.Last().Value);
            trials.Add(new FindingTrial(record.Name, ParseLabels(record.Name), experiment, final) { TrainedIn = spec.Precision ?? experiment.Declaration.Precision.Label() });
        }
        return trials;
    }

    /// <summary>"model=f7-w16,seed=0,steps=100" → {model: f7-w16, seed: 0, steps: 100}.</summary>
    public static IReadOnlyDictionary<string, string> ParseLabels(string trialName) => ViTDsl.Runtime.Analysis.RunFilter.LabelsOf(trialName);
}
