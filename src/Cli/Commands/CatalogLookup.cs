using ViTDsl.Runtime.Models;

namespace ViTDsl.Cli;

/// <summary>
/// Finds a declared experiment, sweep trial ("Sweep/axis=label,…") or sweep by its key: the qualified
/// <c>Class.Name</c>, or the short <c>Name</c> when only one [Experiments] class declares it. Otherwise says which
/// names exist.
/// </summary>
internal static class CatalogLookup
{
    /// <summary>The qualified key of an experiment or trial: its declaring class, a dot, its name.</summary>
    public static string Key(GeneratedExperiment experiment) => experiment.DeclaredIn + "." + experiment.Name;

    /// <summary>The qualified key of a sweep.</summary>
    public static string Key(GeneratedSweep sweep) => sweep.DeclaredIn + "." + sweep.Name;

    /// <exception cref="UsageException">No experiment or trial has that name, or two classes declare it.</exception>
    public static GeneratedExperiment Experiment(string name, IReadOnlyList<GeneratedExperiment> experiments, IReadOnlyList<GeneratedSweep> sweeps) =>
        Find(name, experiments.Concat(sweeps.SelectMany(s => s.Trials)).ToList(), e => e.Name, Key, "experiment");

    /// <exception cref="UsageException">No sweep has that name, or two classes declare it.</exception>
    public static GeneratedSweep Sweep(string name, IReadOnlyList<GeneratedSweep> sweeps) => Find(name, sweeps, s => s.Name, Key, "sweep");

    private static T Find<T>(string name, IReadOnlyList<T> all, Func<T, string> nameOf, Func<T, string> keyOf, string kind) where T : class
    {
        foreach (var comparison in new[] { StringComparison.Ordinal, StringComparison.OrdinalIgnoreCase })
        {
            if (all.FirstOrDefault(e => string.Equals(keyOf(e), name, comparison)) is { } byKey) return byKey;
            var byName = all.Where(e => string.Equals(nameOf(e), name, comparison)).ToList();
            if (byName.Count == 1) return byName[0];
            if (byName.Count > 1)
                throw new UsageException($"'{name}' is declared by more than one [Experiments] class: {string.Join(", ", byName.Select(keyOf))}. " +
                                         "Name the one you mean in full.");
        }
        var close = all.Select(keyOf).Where(n => n.Contains(name, StringComparison.OrdinalIgnoreCase)).Take(5).ToList();
        throw new UsageException($"no declared {kind} is named '{name}'." +
                                 (close.Count > 0 ? $" Did you mean: {string.Join(", ", close)}?" : "") +
                                 " Run `vitdsl list` to see every name.");
    }
}
