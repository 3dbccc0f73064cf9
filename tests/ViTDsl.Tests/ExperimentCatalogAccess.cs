using System.Reflection;
using ViTDsl.Runtime.Models;

namespace ViTDsl.Tests;

/// <summary>The experiments project's generated catalog (internal there), read once by reflection.</summary>
public static class ExperimentCatalogAccess
{
    public static IReadOnlyList<GeneratedExperiment> All { get; } =
        (IReadOnlyList<GeneratedExperiment>)typeof(ViTDsl.Experiments.Paper.Table2).Assembly
            .GetType("ViTDsl.Generated.ExperimentCatalog", throwOnError: true)!
            .GetProperty("All", BindingFlags.Public | BindingFlags.Static)!.GetValue(null)!;

    /// <summary>The declared sweeps, as the generator expanded them.</summary>
    public static IReadOnlyList<GeneratedSweep> Sweeps { get; } =
        (IReadOnlyList<GeneratedSweep>)typeof(ViTDsl.Experiments.Paper.Table2).Assembly
            .GetType("ViTDsl.Generated.ExperimentCatalog", throwOnError: true)!
            .GetProperty("Sweeps", BindingFlags.Public | BindingFlags.Static)!.GetValue(null)!;
}
