using System.Text.Json;
using ViTDsl.Runtime.Data;
using ViTDsl.Runtime.Models;
using ViTDsl.Runtime.Store;
using ViTDsl.Runtime.Train;

namespace ViTDsl.Experiments.Findings;

/// <summary>
/// The final metrics of a trial's own untrained weights — its seed's initialisation, drawn as the trainer draws it —
/// evaluated like the trained model: the baseline that says whether a few-shot transfer target can tell learned
/// features from random ones at all (finding (c) is judged only where training gains enough on it).
/// </summary>
internal static class UntrainedProbe
{
    /// <summary>The store record of <paramref name="trial"/>'s untrained metrics (a "fit" of its study, so it survives with the results).</summary>
    public static string RecordName(string trial) => $"findings/untrained/{trial}";

    /// <summary>
    /// The untrained metrics of <paramref name="trials"/> (trials of <paramref name="sweep"/>), measured once and kept in
    /// the store; with <paramref name="measure"/> false only those already kept.
    /// </summary>
    public static IReadOnlyList<FindingTrial> Of(ResultsStore store, GeneratedSweep sweep, IEnumerable<FindingTrial> trials, int testImages, bool measure)
    {
        var kept = store.Fits(sweep.Name);
        var untrained = new List<FindingTrial>();
        foreach (var trial in trials)
        {
            if (kept.TryGetValue(RecordName(trial.Name), out var json))
                untrained.Add(trial with { Final = JsonSerializer.Deserialize<Dictionary<string, double>>(json)! });
            else if (measure)
            {
                var final = Measure(trial.Experiment, testImages);
                store.RecordFit(sweep.Name, RecordName(trial.Name), JsonSerializer.Serialize(final));
                untrained.Add(trial with { Final = final });
            }
        }
        return untrained;
    }

    /// <summary>Test error and every declared few-shot error of <paramref name="generated"/>'s initial weights, in fp32.</summary>
    public static IReadOnlyDictionary<string, double> Measure(GeneratedExperiment generated, int testImages)
    {
        generated = generated.Resolved(Precision.Fp32);
        var experiment = generated.Declaration;
        TorchSharp.torch.manual_seed(experiment.Data.Seed); // the trainer's draw: seed, then the model
        using var model = generated.CreateModel(null);
        var options = new TrainingOptions(Path.GetTempPath()) { TestImages = testImages > 0 ? testImages : null };
        var result = Evaluation.Run(model, experiment, DataPipeline.Load(experiment), options);
        var final = new Dictionary<string, double> { [MetricName.TestError] = result.TestError };
        foreach (var (name, error) in result.FewShotError) final[name.Name] = error;
        return final;
    }
}
