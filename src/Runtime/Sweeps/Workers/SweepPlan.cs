using System.Text.Json;
using ViTDsl.Runtime.Compute;
using ViTDsl.Runtime.Models;

namespace ViTDsl.Runtime.Workers;

/// <summary>
/// A declared sweep as the runners see it: its trials in the order they run, each with the payload a worker trains
/// from, and the lineage that ties the durations sharing a training prefix together.
/// </summary>
internal static class SweepPlan
{
    /// <summary>The sweep's trials in <see cref="Ordered"/> order, each trained with <paramref name="threads"/> threads and
    /// evaluated on the first <paramref name="testImages"/> test images (all: null or 0).</summary>
    /// <param name="precisions">Each trial's resolved precision (null: Auto declarations resolve where each trial trains, as on a cluster).</param>
    public static SweepDefinition Definition(GeneratedSweep sweep, int threads, int? testImages, IReadOnlyDictionary<string, TrialPrecision>? precisions = null) =>
        new(sweep.Name, Ordered(sweep).Select(t => new SweepTrial(TrialName(sweep, t), JsonSerializer.SerializeToElement(
            precisions is null ? TrainingTrial.Of(t, threads, testImages is > 0 and var n ? n : null)
                : TrainingTrial.Of(t, threads, testImages is > 0 and var m ? m : null, precisions[TrialName(sweep, t)].Resolved), TrainingTrial.Json))).ToList());

    /// <summary>The trial's name within its sweep (the generated name less the sweep's prefix).</summary>
    public static string TrialName(GeneratedSweep sweep, GeneratedExperiment trial) => trial.Name[(sweep.Name.Length + 1)..];

    /// <summary>Each trial's lineage: trials of one lineage share a prefix, so on a cluster they run in one task, longest first.</summary>
    public static Dictionary<string, string> LineageOf(GeneratedSweep sweep) =>
        sweep.Trials.ToDictionary(t => TrialName(sweep, t), t => Lineage.KeyOf(t.Declaration));

    /// <summary>
    /// Longest run of each lineage first, lineages interleaved, the most expensive lineage first: the long runs write
    /// the shared prefixes that the shorter durations then branch off, concurrent workers rarely train the same prefix
    /// twice, and the longest lineage, which bounds the sweep's wall time, never waits for a worker.
    /// </summary>
    public static IEnumerable<GeneratedExperiment> Ordered(GeneratedSweep sweep) =>
        sweep.Trials.GroupBy(t => Lineage.KeyOf(t.Declaration))
            .Select(lineage => (Trials: lineage.OrderByDescending(t => t.Declaration.Steps).ToList(),
                                Cost: lineage.Max(t => TrainingCompute.Of(t.Declaration, t.Declaration.Steps * t.Declaration.Data.Batch).Flops)))
            .OrderByDescending(lineage => lineage.Cost)
            .SelectMany(lineage => lineage.Trials.Select((t, rank) => (t, rank)))
            .OrderBy(x => x.rank)
            .Select(x => x.t);
}
