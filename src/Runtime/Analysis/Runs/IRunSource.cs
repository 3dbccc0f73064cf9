namespace ViTDsl.Runtime.Analysis;

/// <summary>Where the analysis reads recorded runs from (a CSV file today, the SQLite results store later).</summary>
internal interface IRunSource
{
    /// <summary>A description for reports, e.g. the file path.</summary>
    string Description { get; }

    /// <summary>All recorded runs.</summary>
    IReadOnlyList<RunRecord> ReadRuns();
}
