namespace ViTDsl.Runtime.Analysis;

/// <summary>Opens a run source from a path the user gives on the command line.</summary>
internal static class RunSources
{
    /// <summary>The results store every `vitdsl sweep` writes in its runs folder.</summary>
    public const string StoreFileName = "results.db";

    public static IRunSource Open(string path)
    {
        if (Store.PostgresUrl.IsUrl(path)) return new StoreRunSource(path); // a cluster's shared store
        if (Directory.Exists(path)) path = Path.Combine(path, StoreFileName);
        if (!File.Exists(path))
            throw new FileNotFoundException($"No run file at '{path}'. Pass a results store written by `vitdsl sweep` (runs/results.db) or a CSV written by CsvRunSource.Write.", path);
        return Path.GetExtension(path).ToLowerInvariant() switch
        {
            ".csv" => new CsvRunSource(path),
            ".db" or ".sqlite" => new StoreRunSource(path),
            var ext => throw new NotSupportedException($"Runs in '{ext}' files are not readable; give a results store (.db) or a .csv file."),
        };
    }
}
