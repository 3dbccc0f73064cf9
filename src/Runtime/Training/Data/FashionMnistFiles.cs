namespace ViTDsl.Runtime.Data;

/// <summary>
/// Where Fashion-MNIST's four IDX files are on this machine, and what to do when they are not. The declared default
/// folder is Debian's (<see cref="DataSet.FashionMnistDirectory"/>); <c>VITDSL_FASHION_MNIST</c> points it elsewhere
/// without editing declarations, e.g. for a user who cannot install Debian packages.
/// </summary>
internal static class FashionMnistFiles
{
    public const string EnvironmentVariable = "VITDSL_FASHION_MNIST";
    public const string DebianPackage = "dataset-fashion-mnist";
    public static readonly string[] Names = ["train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"];

    /// <summary>The folder the files of <paramref name="set"/> are read from.</summary>
    public static string Directory(DataSet.FashionMnist set) =>
        DataDirectory.Resolve(set.Directory, DataSet.FashionMnistDirectory, EnvironmentVariable);

    /// <summary>The four paths, train images first.</summary>
    public static string[] Paths(DataSet.FashionMnist set) => Names.Select(n => Path.Combine(Directory(set), n)).ToArray();

    /// <exception cref="FileNotFoundException">A file is missing; the message names it and how to get it.</exception>
    public static void EnsurePresent(DataSet.FashionMnist set)
    {
        var missing = Paths(set).Where(p => !File.Exists(p)).ToArray();
        if (missing.Length == 0) return;
        var fix = set.Directory == DataSet.FashionMnistDirectory
            ? $"install it with `sudo apt-get update && sudo apt-get install -y {DebianPackage}` (building as root does this by itself)" +
              (Directory(set) == set.Directory ? "" : $" and unset {EnvironmentVariable}") +
              $", or set {EnvironmentVariable} to a folder holding {string.Join(", ", Names)}"
            : $"put {string.Join(", ", Names)} there, or point the declaration's DataSet.FashionMnist {{ Directory = … }} at them";
        throw new FileNotFoundException($"Fashion-MNIST is missing: {missing[0]} does not exist{(missing.Length > 1 ? $" (nor {missing.Length - 1} more)" : "")}; {fix}.", missing[0]);
    }
}
