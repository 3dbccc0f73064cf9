namespace ViTDsl.Experiments.Findings;

/// <summary>
/// The one few-shot number the decoupled-weight-decay finding reads. It is a 10-shot linear probe on the pre-logits
/// features, the paper's few-shot protocol; the paper probes other data sets than the upstream one, so when a
/// transfer data set's metric is recorded this is the place to point at it.
/// </summary>
public static class FewShotMetric
{
    /// <summary>Shots per class of the probe.</summary>
    public const int Shots = 10;

    /// <summary>The final metric's name in the results store.</summary>
    public static string Name => $"fewshot/{Shots}";

    /// <summary>What it measures, for the report.</summary>
    public static string Describe => $"{Shots}-shot linear-probe error (ridge regression on the frozen pre-logits features, the paper's few-shot protocol) on the study's own data set";

    public static double Of(FindingTrial trial) => trial.Metric(Name);
}
