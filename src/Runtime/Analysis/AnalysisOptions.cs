namespace ViTDsl.Runtime.Analysis;

/// <summary>What a scaling analysis fits and how.</summary>
internal sealed record AnalysisOptions
{
    /// <summary>Compute axis unit: device-days on this accelerator (the paper's TPUv3 core-days by default).</summary>
    public ComputeUnit ComputeUnit { get; init; } = ComputeUnit.TpuV3CoreDays;

    /// <summary>Law forms to fit, simplest first; each is skipped when the frontier has too few points for it.</summary>
    public IReadOnlyList<LawForm> Forms { get; init; } = [LawForm.PowerLaw, LawForm.PowerLawWithFloor, LawForm.Saturating, LawForm.M4];

    /// <summary>Highest-compute frontier points held out to measure extrapolation (0: skip).</summary>
    public int HoldOut { get; init; } = 2;

    /// <summary>Slack of the backtest selection (<see cref="FormSelection"/>).</summary>
    public double SelectionTolerance { get; init; } = FormSelection.DefaultTolerance;

    public FitOptions Fit { get; init; } = FitOptions.Default;

    /// <summary>
    /// Nominal coverage of the delta-method intervals (<see cref="DeltaMethod"/>, the default: measured within 3 points
    /// of nominal); null skips them.
    /// </summary>
    public double? IntervalLevel { get; init; } = 0.95;

    /// <summary>Residual-bootstrap settings; when set they replace the delta method (slower, and it undercovers).</summary>
    public BootstrapOptions? Bootstrap { get; init; }
}
