using ViTDsl.Runtime.Models;

namespace ViTDsl.Runtime.Compute;

/// <summary>One trial's precision as it will train, and the measured step rate of its shape in that precision.</summary>
/// <param name="Declared">What the declaration says (Fp32, Bf16 or Auto).</param>
/// <param name="Resolved">Fp32 or Bf16.</param>
/// <param name="Rate">The trial's shape's measured training step in <paramref name="Resolved"/>.</param>
/// <param name="Reason">Why Auto resolved as it did (null for a declared precision).</param>
internal sealed record TrialPrecision(Precision Declared, Precision Resolved, StepRate Rate, string? Reason);

/// <summary>
/// Resolves the precisions of a sweep's trials before they start, once per model shape (architecture and batch: what
/// a step's speed depends on), and measures each shape's step for the time estimate. A trial the store already
/// recorded keeps the precision it was recorded with, and so does every trial of its shape: a resumed sweep never
/// trains a lineage's prefix in one precision and its continuation in another.
/// </summary>
internal static class TrialPrecisions
{
    /// <summary>The shape a step's speed depends on: the architecture, the batch and the optimizer.</summary>
    public static string ShapeOf(Experiment e) => $"{SourceText.Print(e.Model)} | batch {e.Data.Batch} | {SourceText.Print(e.Optimizer)}";

    /// <param name="trials">The trials by name.</param>
    /// <param name="recorded">Resolved precisions already recorded for some trials (from the store), by name.</param>
    /// <param name="nativeBf16">Whether this machine multiplies bf16 natively.</param>
    /// <param name="measure">Measures a shape's step (<see cref="StepRate.Measure"/>); called at most once per shape and precision.</param>
    public static IReadOnlyDictionary<string, TrialPrecision> Resolve(IReadOnlyList<(string Name, GeneratedExperiment Experiment)> trials,
        IReadOnlyDictionary<string, Precision> recorded, bool nativeBf16, Func<GeneratedExperiment, Precision, StepRate> measure)
    {
        var rates = new Dictionary<(string, Precision), StepRate>();
        StepRate Rate(GeneratedExperiment e, Precision p)
        {
            var key = (ShapeOf(e.Declaration), p);
            if (!rates.TryGetValue(key, out var rate)) rates[key] = rate = measure(e, p);
            return rate;
        }
        var result = new Dictionary<string, TrialPrecision>();
        foreach (var shape in trials.GroupBy(t => (ShapeOf(t.Experiment.Declaration), t.Experiment.Declaration.Precision)))
        {
            var first = shape.First().Experiment;
            var declared = first.Declaration.Precision;
            var kept = shape.Select(t => recorded.TryGetValue(t.Name, out var p) ? p : (Precision?)null).FirstOrDefault(p => p is not null);
            (Precision resolved, string? reason) = declared.IsResolved() ? (declared, null)
                : kept is { } k ? (k, $"{k.Label()}: as recorded when this sweep first ran (a resume keeps its precision)")
                : Decided(PrecisionChoice.Decide(nativeBf16, p => Rate(first, p)));
            foreach (var (name, _) in shape) result[name] = new TrialPrecision(declared, resolved, Rate(first, resolved), reason);
        }
        return result;
    }

    private static (Precision, string?) Decided(PrecisionDecision decision) => (decision.Chosen, decision.Reason);
}
