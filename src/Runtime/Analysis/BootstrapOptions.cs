namespace ViTDsl.Runtime.Analysis;

/// <summary>How fit uncertainty is estimated.</summary>
internal sealed record BootstrapOptions
{
    /// <summary>Number of bootstrap refits; 1000 gives stable 95% percentiles.</summary>
    public int Resamples { get; init; } = 1000;

    /// <summary>Nominal coverage of the reported intervals.</summary>
    public double Level { get; init; } = 0.95;

    /// <summary>Seed of the resampling, so a report is reproducible.</summary>
    public int Seed { get; init; } = 0;

    public static BootstrapOptions Default { get; } = new();
}
