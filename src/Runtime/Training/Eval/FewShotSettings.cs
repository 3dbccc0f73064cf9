namespace ViTDsl.Runtime.Eval;

/// <summary>
/// How few-shot probes fit their ridge (docs/reference.md §7): the paper's λ, or λ selected from
/// <see cref="LambdaGrid"/> on held-out training examples. What is probed (targets, shots, seeds) is declared by the
/// experiment (<see cref="ViTDsl.FewShot"/>).
/// </summary>
public sealed record FewShotSettings
{
    /// <summary>The paper's ridge strength, 2^10.</summary>
    public const double PaperLambda = 1024;

    /// <summary>Ridge λ when <see cref="LambdaGrid"/> is empty.</summary>
    public double Lambda { get; init; } = PaperLambda;

    /// <summary>
    /// Candidate λ values; when non-empty, each (shot, seed) fit picks the one with the best accuracy on
    /// <see cref="HeldOutPerClass"/> further training examples per class (never the test set, never the shots).
    /// </summary>
    public IReadOnlyList<double> LambdaGrid { get; init; } = [];

    /// <summary>Held-out training examples per class used to select λ.</summary>
    public int HeldOutPerClass { get; init; } = 5;

    /// <summary>A grid of powers of two around the paper's λ, 2^0 … 2^20.</summary>
    public static IReadOnlyList<double> PowersOfTwoGrid => Enumerable.Range(0, 11).Select(i => Math.Pow(2, 2 * i)).ToList();

    public static FewShotSettings Paper { get; } = new();
}
