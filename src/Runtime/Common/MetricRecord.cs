namespace ViTDsl.Runtime;

/// <summary>
/// One measured value at a step, e.g. (1000, "train/loss", 2.31), named from <see cref="MetricName"/>: what the trainer
/// appends to a run's metrics file, a worker reports and the results store keeps. <c>NaN</c> is a legal value (a
/// diverged loss) and round-trips everywhere.
/// </summary>
internal sealed record MetricRecord(long Step, string Name, double Value);
