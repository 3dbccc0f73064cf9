using System.Text.Json;
using ViTDsl.Runtime.Models;

namespace ViTDsl.Runtime.Workers;

/// <summary>
/// A declared sweep as the runners see it: its trials in the order they run, each with the payload a worker trains
/// from, and the lineage that ties the durations sharing a training prefix together.
/// </summary>
public static class SweepPlan
{
    /// <summary>The sweep's trials in <see cref="Ordered"/> order, each trained with <paramref name="threads"/> threads and
    /// evaluated on the first <paramref name="testImages"/> test images (all: null or 0).</summary>
    public static SweepDefinition Definition(GeneratedSweep sweep, int threads, int? testImages) =>
        new(sweep.Name, Ordered(sweep).Select(t => new SweepTrial(TrialName(sweep, t),
            JsonSerializer.SerializeToElement(TrainingTrial.Of(t, threads, testImages is > 0 and var n ? n : null), TrainingTrial.Json))).ToList());

    /// <summary>The trial's name within its sweep (the generated name less the sweep's prefix).</summary>
    public static string TrialName(GeneratedSweep sweep, GeneratedExperiment trial) => trial.Name[(sweep.Name.Length + 1)..];

    /// <summary>Each trial's lineage: trials of one lineage share a prefix, so on a cluster they run in one task, longest first.</summary>
    public static Dictionary<string, string> LineageOf(GeneratedSweep sweep) =>
        sweep.Trials.ToDictionary(t => TrialName(sweep, t), t => Lineage.KeyOf(t.Declaration));

    /// <summary>
    /// Longest run of each lineage first, lineages interleaved: the long runs write the shared prefixes that the
    /// shorter durations then branch off, and concurrent workers rarely train the same prefix twice.
    /// </summary>
    public static IEnumerable<GeneratedExperiment> Ordered(GeneratedSweep sweep) =>
        sweep.Trials.GroupBy(t => Lineage.KeyOf(t.Declaration))
            .SelectMany(lineage => lineage.OrderByDescending(t => t.Declaration.Steps).Select((t, rank) => (t, rank)))
            .OrderBy(x => x.rank)
            .Select(x => x.t);
}
