using ViTDsl.Runtime.Models;

namespace ViTDsl.Tests.Weights;

/// <summary>
/// The smallest declared experiment of each pooling (MAP, GAP, class token) with at least two heads (so the head-major
/// layouts of q/k/v and of the output projection are exercised), declared in fp32 (bit-identical round trips; a
/// <see cref="Precision.Auto"/> declaration has no model until it is resolved where it trains), for the interop tests.
/// </summary>
internal static class PoolShapes
{
    public static TheoryData<string> Pools => new("Map", "Gap", "Token");

    public static GeneratedExperiment Smallest(string pool) =>
        ExperimentCatalogAccess.All.Concat(ExperimentCatalogAccess.Sweeps.SelectMany(s => s.Trials))
            .Where(e => e.Declaration.Model.Pool.GetType().Name == pool && e.Declaration.Model.PreLogits is null && e.Declaration.Model.Heads >= 2
                        && e.Declaration.Precision == Precision.Fp32)
            .OrderBy(e => e.Facts.TotalParameters).First();
}
