using System;
using System.Collections.Generic;
using System.Linq;

namespace ViTDsl;

/// <summary>
/// The two formulas of the modified Adafactor that both the runtime and the memory facts need (docs/reference.md §4):
/// the β2 schedule and the rule choosing which axes of a tensor get factored statistics.
/// </summary>
internal static class AdafactorMath
{
    /// <summary>β2 at 0-based <paramref name="step"/>: min(cap, 1 − (step+1)^(−decayRate)); 0 on the first step.</summary>
    public static double Beta2(Optimizer.Adafactor a, long step) =>
        Math.Min(a.Beta2Cap, 1.0 - Math.Pow(step + 1.0, -a.DecayRate));

    /// <summary>
    /// The axes to factor over, or null for a full second moment. Factoring needs rank ≥ 2 and a second-largest
    /// dimension ≥ <see cref="Optimizer.Adafactor.MinDimToFactor"/>. Like numpy's <c>argsort</c> on the shape
    /// (stable for these short lists), among equal sizes the later axis counts as larger.
    /// </summary>
    public static FactoredAxes? Factoring(Optimizer.Adafactor a, IReadOnlyList<long> shape)
    {
        if (shape.Count < 2) return null;
        var sorted = Enumerable.Range(0, shape.Count).OrderBy(i => shape[i]).ToArray(); // OrderBy is stable
        var largest = sorted[sorted.Length - 1];
        var second = sorted[sorted.Length - 2];
        return shape[second] < a.MinDimToFactor ? null : new FactoredAxes(largest, second);
    }
}

/// <summary>
/// The factored axes of one tensor. The row statistic is the mean of g² over <paramref name="Largest"/> (its shape
/// drops that axis); the column statistic is the mean over <paramref name="SecondLargest"/>.
/// </summary>
public sealed record FactoredAxes(int Largest, int SecondLargest)
{
    /// <summary>Elements of the row statistic: numel / size of the largest axis.</summary>
    public long RowElements(IReadOnlyList<long> shape) => Numel(shape) / shape[Largest];

    /// <summary>Elements of the column statistic: numel / size of the second-largest axis.</summary>
    public long ColumnElements(IReadOnlyList<long> shape) => Numel(shape) / shape[SecondLargest];

    private static long Numel(IReadOnlyList<long> shape) => shape.Aggregate(1L, (p, d) => p * d);
}
