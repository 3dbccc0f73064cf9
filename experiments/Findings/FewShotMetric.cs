namespace ViTDsl.Experiments.Findings;

/// <summary>
/// The one few-shot number the decoupled-weight-decay finding reads: a 10-shot linear probe on the frozen pre-logits
/// features of MNIST digits, a data set the Fashion-MNIST upstream never saw — transfer, as the paper's few-shot
/// numbers are (they probe ImageNet, CIFAR-100, Pets … from a JFT upstream).
/// </summary>
internal static class FewShotMetric
{
    /// <summary>Shots per class of the probe.</summary>
    public const int Shots = 10;

    /// <summary>The final metric's name in the results store.</summary>
    public static string Name => MetricName.FewShotError(new DataSet.MnistDigits(), Shots);

    /// <summary>What it measures, for the report.</summary>
    public static string Describe => $"{Shots}-shot linear-probe error (ridge regression on the frozen pre-logits features, the paper's few-shot protocol) on MNIST digits, transferred from the Fashion-MNIST upstream";

    public static double Of(FindingTrial trial) => trial.Metric(Name);
}
