namespace ViTDsl.Runtime.Models;

/// <summary>A declared sweep as the generator expanded it: its trials, each named "Sweep/axis=label,…".</summary>
public sealed record GeneratedSweep(string Name, string DeclaredIn, IReadOnlyList<GeneratedExperiment> Trials, SweepFacts Facts);
