using System.Collections.Generic;

namespace ViTDsl;

/// <summary>What a <see cref="Loss"/> implies for the model.</summary>
public static class LossSemantics
{
    public const string BiasDisagreesWithLoss = "VIT221";

    /// <summary>
    /// The classifier's initial bias for this loss: −10 with sigmoid (so that the initial per-class probability
    /// σ(−10) ≈ 4.5e-5 matches thousands of mostly-absent labels; paper §3.2), 0 with softmax.
    /// </summary>
    public static double HeadBiasInit(this Loss loss) => loss switch
    {
        Loss.Sigmoid => -10.0,
        Loss.Softmax => 0.0,
        _ => throw new System.InvalidOperationException("unreachable: Loss is closed"),
    };

    /// <summary>The classifier initialised for <paramref name="loss"/>: its <see cref="Classifier.BiasInit"/> set by <see cref="HeadBiasInit"/>.</summary>
    public static Classifier InitialisedFor(this Classifier classifier, Loss loss) => classifier with { BiasInit = loss.HeadBiasInit() };

    /// <summary>
    /// Reports a classifier whose <see cref="Classifier.BiasInit"/> disagrees with the loss (e.g. sigmoid with bias 0,
    /// which starts every class at probability ½ and wastes the first steps pushing them down).
    /// </summary>
    public static IReadOnlyList<Problem> Check(Loss loss, Classifier classifier)
    {
        double expected = loss.HeadBiasInit();
        return classifier.BiasInit == expected
            ? System.Array.Empty<Problem>()
            : new[]
            {
                new Problem(BiasDisagreesWithLoss, nameof(Classifier.BiasInit),
                    $"The {loss} loss starts the classifier bias at {expected}, but BiasInit is {classifier.BiasInit}; " +
                    $"write Classifier = model.Classifier.InitialisedFor(loss) or set BiasInit = {expected}."),
            };
    }
}
