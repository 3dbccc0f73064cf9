using ViTDsl.Runtime.Models;

namespace ViTDsl.Experiments.Cli;

/// <summary>Finds a declared experiment, sweep trial ("Sweep/axis=label,…") or sweep by name, or says which names exist.</summary>
public static class CatalogLookup
{
    /// <exception cref="UsageException">No experiment or trial has that name.</exception>
    public static GeneratedExperiment Experiment(string name, IReadOnlyList<GeneratedExperiment> experiments, IReadOnlyList<GeneratedSweep> sweeps) =>
        Find(name, experiments.Concat(sweeps.SelectMany(s => s.Trials)).ToList(), e => e.Name, "experiment");

    /// <exception cref="UsageException">No sweep has that name.</exception>
    public static GeneratedSweep Sweep(string name, IReadOnlyList<GeneratedSweep> sweeps) => Find(name, sweeps, s => s.Name, "sweep");

    private static T Find<T>(string name, IReadOnlyList<T> all, Func<T, string> nameOf, string kind) where T : class
    {
        var found = all.FirstOrDefault(e => nameOf(e) == name) ?? all.FirstOrDefault(e => string.Equals(nameOf(e), name, StringComparison.OrdinalIgnoreCase));
        if (found is not null) return found;
        var close = all.Select(nameOf).Where(n => n.Contains(name, StringComparison.OrdinalIgnoreCase)).Take(5).ToList();
        throw new UsageException($"no declared {kind} is named '{name}'." +
                                 (close.Count > 0 ? $" Did you mean: {string.Join(", ", close)}?" : "") +
                                 " Run `vitdsl list` to see every name.");
    }
}
