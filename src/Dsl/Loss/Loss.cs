namespace ViTDsl;

/// <summary>
/// The training loss. A closed union: softmax cross-entropy (one label per image) or the paper's multi-label
/// sigmoid cross-entropy (JFT-3B, docs/reference.md §6), which also works for single-label data with one-hot targets.
/// </summary>
public abstract record Loss
{
    private Loss() { }

    /// <summary>Softmax cross-entropy over the classes, averaged over the batch.</summary>
    public sealed record Softmax : Loss;

    /// <summary>
    /// Independent sigmoid cross-entropy per class, summed over classes and averaged over the batch (big_vision's
    /// <c>sigmoid_xent</c>); the classifier bias starts at −10 (<see cref="LossSemantics.HeadBiasInit(Loss)"/>).
    /// </summary>
    public sealed record Sigmoid : Loss;

    public sealed override string ToString() => this switch
    {
        Softmax => "softmax",
        Sigmoid => "sigmoid",
        _ => throw new System.InvalidOperationException("unreachable: Loss is closed"),
    };
}
