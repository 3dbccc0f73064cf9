namespace ViTDsl.Runtime.Analysis;

/// <summary>Where the analysis reads recorded runs from (a CSV file today, the SQLite results store later).</summary>
public interface IRunSource
{
    /// <summary>A description for reports, e.g. the file path.</summary>
    string Description { get; }

    /// <summary>All recorded runs.</summary>
    IReadOnlyList<RunRecord> ReadRuns();
}

/// <summary>Opens a run source from a path the user gives on the command line.</summary>
public static class RunSources
{
    public static IRunSource Open(string path)
    {
        if (!File.Exists(path))
            throw new FileNotFoundException($"No run file at '{path}'. Pass a CSV written by CsvRunSource.Write (or by hand with its header).", path);
        return Path.GetExtension(path).ToLowerInvariant() switch
        {
            ".csv" => new CsvRunSource(path),
            var ext => throw new NotSupportedException($"Runs in '{ext}' files are not readable yet; give a .csv file."),
        };
    }
}
