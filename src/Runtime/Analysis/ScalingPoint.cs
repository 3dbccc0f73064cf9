namespace ViTDsl.Runtime.Analysis;

/// <summary>One (compute, error) observation: a run's training compute (any positive unit) and its error in (0, 1].</summary>
internal readonly record struct ScalingPoint(double Compute, double Error);
