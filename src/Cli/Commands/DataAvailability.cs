using ViTDsl.Runtime.Data;

namespace ViTDsl.Cli;

/// <summary>
/// Checks, before any work starts, that the data a command needs is on this machine: each experiment's training data
/// and the data sets its few-shot probes transfer to (probed only at the end of a run, so a missing one would
/// otherwise fail a trial after all its training). Installing them is the build's job (build/prerequisites.sh, run
/// by the experiments and test projects), so the command line only says how.
/// </summary>
internal static class DataAvailability
{
    /// <exception cref="FileNotFoundException">A data set's files are missing; the message says how to get them.</exception>
    public static void Ensure(IEnumerable<Experiment> experiments)
    {
        var sets = experiments
            .SelectMany(e => e.FewShot is { } probes ? probes.Targets(e.Data.Set).Prepend(e.Data.Set) : [e.Data.Set])
            .Select(DataSet.Files).Distinct().ToList();
        foreach (var fashion in sets.OfType<DataSet.FashionMnist>()) FashionMnistFiles.EnsurePresent(fashion);
        foreach (var digits in sets.OfType<DataSet.MnistDigits>()) MnistDigitsFiles.EnsurePresent(digits);
    }
}
