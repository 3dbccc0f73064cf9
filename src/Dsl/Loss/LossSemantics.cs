using System.Collections.Generic;

namespace ViTDsl;

/// <summary>What a <see cref="Loss"/> implies for the model.</summary>
internal static class LossSemantics
{

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

    /// <summary>
    /// The bias the trainer gives <paramref name="classifier"/> under <paramref name="loss"/>: the loss's
    /// <see cref="HeadBiasInit(Loss)"/>, unless the declaration set a non-zero <see cref="Classifier.BiasInit"/>
    /// itself (0 is the record's default and means "not chosen").
    /// </summary>
    public static double HeadBiasInit(this Loss loss, Classifier classifier) =>
        classifier.BiasInit != 0 ? classifier.BiasInit : loss.HeadBiasInit();

    /// <summary>The classifier with its <see cref="Classifier.BiasInit"/> set for <paramref name="loss"/>.</summary>
    public static Classifier InitialisedFor(this Classifier classifier, Loss loss) => classifier with { BiasInit = loss.HeadBiasInit() };

    /// <summary>
    /// Reports a classifier whose explicitly chosen (non-zero) <see cref="Classifier.BiasInit"/> disagrees with the
    /// loss, e.g. −10 with softmax, or −5 with sigmoid. A zero bias is the default and takes the loss's value.
    /// </summary>
    public static IReadOnlyList<Problem> Check(Loss loss, Classifier classifier)
    {
        double expected = loss.HeadBiasInit();
        return classifier.BiasInit == 0 || classifier.BiasInit == expected
            ? System.Array.Empty<Problem>()
            : new[]
            {
                new Problem(DiagnosticKinds.BiasDisagreesWithLoss.Id, nameof(Classifier.BiasInit),
                    $"The {loss} loss starts the classifier bias at {expected}, but BiasInit is {classifier.BiasInit}; " +
                    $"remove BiasInit (the loss sets it) or set BiasInit = {expected}."),
            };
    }
}
