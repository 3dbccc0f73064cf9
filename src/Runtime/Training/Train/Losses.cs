using static TorchSharp.torch;

namespace ViTDsl.Runtime.Train;

/// <summary>The declared loss on logits [batch, K] and integer labels [batch], averaged over the batch.</summary>
internal static class Losses
{
    public static Tensor Of(Loss loss, Tensor logits, Tensor labels) => loss switch
    {
        Loss.Softmax => nn.functional.cross_entropy(logits, labels),
        // big_vision's sigmoid_xent: independent binary cross-entropy per class, summed over classes.
        Loss.Sigmoid => nn.functional.binary_cross_entropy_with_logits(
                logits, nn.functional.one_hot(labels, logits.shape[1]).to_type(logits.dtype), reduction: nn.Reduction.None)
            .sum(1).mean(),
        _ => throw new InvalidOperationException("unreachable: Loss is closed"),
    };
}
