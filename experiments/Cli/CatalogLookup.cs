using ViTDsl.Runtime.Models;

namespace ViTDsl.Experiments.Cli;

/// <summary>Finds a declared experiment (or sweep trial, "Sweep/axis=label,…") by name, or says which names exist.</summary>
public static class CatalogLookup
{
    public static GeneratedExperiment? Find(string name, IReadOnlyList<GeneratedExperiment> experiments, IReadOnlyList<GeneratedSweep> sweeps, TextWriter error)
    {
        var all = experiments.Concat(sweeps.SelectMany(s => s.Trials)).ToList();
        var found = all.FirstOrDefault(e => e.Name == name) ?? all.FirstOrDefault(e => string.Equals(e.Name, name, StringComparison.OrdinalIgnoreCase));
        if (found is null)
        {
            var close = all.Select(e => e.Name).Where(n => n.Contains(name, StringComparison.OrdinalIgnoreCase)).Take(5).ToList();
            error.WriteLine($"No declared experiment is named '{name}'." +
                            (close.Count > 0 ? $" Did you mean: {string.Join(", ", close)}?" : "") +
                            " Run `vitdsl list` to see every name.");
        }
        return found;
    }
}
