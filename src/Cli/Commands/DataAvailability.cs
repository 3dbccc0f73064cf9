using ViTDsl.Runtime.Data;

namespace ViTDsl.Experiments.Cli;

/// <summary>
/// Checks, before any work starts, that the data a command needs is on this machine. Installing it is the build's
/// job (build/prerequisites.sh, run by the experiments and test projects), so the command line only says how.
/// </summary>
public static class DataAvailability
{
    /// <exception cref="FileNotFoundException">A data set's files are missing; the message says how to get them.</exception>
    public static void Ensure(IEnumerable<DataSet> sets)
    {
        foreach (var fashion in sets.OfType<DataSet.FashionMnist>().Distinct()) FashionMnistFiles.EnsurePresent(fashion);
    }
}
