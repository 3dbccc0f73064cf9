namespace ViTDsl.Runtime.Analysis;

/// <summary>
/// The lower-left envelope of (compute, error) points: the runs no cheaper run beats. The paper fits its scaling law
/// to this frontier, since a run off it is a poor choice of model size for its compute, not a point on the law.
/// </summary>
internal static class ParetoFrontier
{
    /// <summary>Points with strictly lower error than every point of lower or equal compute, in increasing compute.</summary>
    public static IReadOnlyList<ScalingPoint> Of(IEnumerable<ScalingPoint> points)
    {
        var frontier = new List<ScalingPoint>();
        double best = double.PositiveInfinity;
        // Ties in compute: the lower error comes first, so the worse one of the pair is dropped.
        foreach (var p in points.OrderBy(p => p.Compute).ThenBy(p => p.Error))
        {
            if (p.Error < best)
            {
                frontier.Add(p);
                best = p.Error;
            }
        }
        return frontier;
    }
}
