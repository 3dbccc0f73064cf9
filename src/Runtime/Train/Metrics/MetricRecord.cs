namespace ViTDsl.Runtime.Train.Metrics;

/// <summary>One measured value: e.g. (step 1000, "train/loss", 2.31).</summary>
public readonly record struct MetricRecord(long Step, string Name, double Value);
