namespace ViTDsl.Runtime.Eval;

/// <summary>The accuracy of k-shot probes over seeds.</summary>
/// <param name="Shots">Examples per class.</param>
/// <param name="Accuracies">Test accuracy of each seed's probe.</param>
/// <param name="Lambdas">λ each seed's probe used (all the configured λ unless selected).</param>
internal sealed record ShotResult(int Shots, IReadOnlyList<double> Accuracies, IReadOnlyList<double> Lambdas)
{
    public double MeanAccuracy => Accuracies.Average();

    /// <summary>Sample standard deviation over seeds (0 with one seed).</summary>
    public double StdAccuracy => Accuracies.Count < 2 ? 0
        : Math.Sqrt(Accuracies.Sum(a => (a - MeanAccuracy) * (a - MeanAccuracy)) / (Accuracies.Count - 1));

    /// <summary>1 − mean accuracy: what scaling plots show.</summary>
    public double MeanError => 1 - MeanAccuracy;
}

/// <summary>Few-shot results for every shot count, in the order of the settings.</summary>
internal sealed record FewShotResult(IReadOnlyList<ShotResult> PerShot)
{
    public ShotResult this[int shots] => PerShot.FirstOrDefault(r => r.Shots == shots)
        ?? throw new KeyNotFoundException($"No {shots}-shot result; evaluated shots: {string.Join(", ", PerShot.Select(r => r.Shots))}.");
}
