namespace ViTDsl.Experiments.Findings;

/// <summary>
/// The one few-shot number the decoupled-weight-decay finding reads: a 10-shot linear probe on the frozen pre-logits
/// features of Fashion-MNIST's classes 6–9 (shirt, sneaker, bag, ankle boot), which the upstream never saw — it trains
/// on classes 0–5 (t-shirt, trouser, pullover, dress, coat, sandal). A new-classes transfer, as the paper's few-shot
/// numbers are transfer to data sets other than the upstream's. Not MNIST digits: features learned on clothing do
/// not beat the same model's untrained weights on digits, so (c) could not be decided there.
/// </summary>
internal static class FewShotMetric
{
    /// <summary>Shots per class of the probe.</summary>
    public const int Shots = 10;

    /// <summary>The classes the recipe study's upstream trains on (relabelled 0–5).</summary>
    public static DataSet.ClassSubset Upstream => FindingStudies.NewClassesUpstream;

    /// <summary>The probed classes: those the upstream never saw.</summary>
    public static DataSet.ClassSubset Target => Upstream.HeldOut();

    /// <summary>The full study's final metric name in the results store.</summary>
    public static string Name => MetricName.FewShotError(Target, Shots);

    /// <summary>What it measures, for the report.</summary>
    public static string Describe => $"{Shots}-shot linear-probe error (ridge regression on the frozen pre-logits features, the paper's few-shot protocol) on " +
                                     $"Fashion-MNIST's classes {string.Join(", ", Target.Classes)}, which the upstream (trained on classes {string.Join(", ", Upstream.Classes)}) never saw";

    /// <summary>A trial's metric: its study's one declared transfer target (the smoke twin probes synthetic held-out classes).</summary>
    public static double Of(FindingTrial trial) => trial.Metric(MetricName.FewShotError(TargetOf(trial.Declaration), Shots));

    private static DataSet TargetOf(Experiment e) => e.FewShot?.DataSets is { Count: 1 } targets ? targets[0]
        : throw new InvalidOperationException($"The recipe study must declare exactly one few-shot transfer target (the held-out classes); {e.Model.Variant} declares {e.FewShot?.DataSets.Count ?? 0}.");
}
