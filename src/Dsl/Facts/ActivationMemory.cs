namespace ViTDsl;

/// <summary>
/// Activation memory of one training step of a generated ViT: the tensors alive when its forward pass ends, counted
/// layer by layer for the layers this project generates (src/Runtime/Training/Layers). A model's forward pass keeps every
/// intermediate of its trunk until it returns (one dispose scope, docs/reference.md §9 for the per-layer terms), and
/// autograd keeps what the backward pass needs after that; the backward pass frees activations as it creates
/// gradients, so the end of the forward pass is the step's activation peak.
/// <para>
/// Per image, with T tokens, D width, M MLP width, h heads and e bytes per element, one encoder block holds
/// T·(11D + 2M + 4 + h)·e: its LayerNorm outputs (2 × TD) and statistics (4T), the fused q/k/v projection (3TD),
/// attention output, merged heads, output projection and residual sum (4 × TD), the MLP hidden layer before and
/// after GELU (2 × TM), the MLP output and residual sum (2 × TD), and the attention's log-sum-exp (hT). This is
/// Korthikanti et al. (2022)'s s·b·(16h + 4M)-byte count for 16-bit activations without dropout, written for these
/// layers: fused attention (PyTorch's scaled_dot_product_attention) never stores the T² scores. Each block also
/// holds its concatenated q/k/v weights (3D² + 3D elements, independent of the batch). Around the blocks: the input
/// images, the patch embedding and position sum, the final LayerNorm, the pooling head (GAP: the mean; MAP: its
/// key/value projection of all tokens and its own small attention and MLP on one query), pre-logits, logits, and
/// the loss's per-class terms.
/// </para>
/// </summary>
internal static class ActivationMemory
{
    /// <summary>Activation bytes of a step over <paramref name="batch"/> images.</summary>
    /// <param name="m">The model.</param>
    /// <param name="loss">The loss, whose integer targets are kept for the backward pass.</param>
    /// <param name="batch">Images per step on one device.</param>
    /// <param name="elementBytes">Bytes per activation element: 4 in float32, 2 in bfloat16.</param>
    public static long Bytes(Vit m, Loss loss, int batch, int elementBytes = TrainingMemory.Float32Bytes) =>
        (long)batch * (PerImageElements(m, loss) * elementBytes + PerImageLossIndexBytes(m, loss)) + FixedElements(m) * elementBytes;

    /// <summary>Elements each image adds (everything but the loss's integer one-hot targets).</summary>
    public static long PerImageElements(Vit m, Loss loss)
    {
        long t = m.Tokens, n = m.Patches, d = m.Width, mlp = m.Mlp, h = m.Heads, k = m.Classifier.Classes;
        long images = (long)m.Channels * m.Image * m.Image;
        long embedding = n * d /* convolution */ + (m.Pool is Pool.Token ? t * d /* with the class token */ : 0) + t * d /* + position */;
        long block = t * (11 * d + 2 * mlp + 4 + h);
        long finalNorm = t * d + 2 * t;
        long pool = m.Pool switch
        {
            Pool.Token => 0,                                                   // a view of the final LayerNorm's output
            Pool.Gap => d,
            Pool.Map => 2 * t * d /* keys, values */ + 7 * d + 2 * mlp + h + 2, // one query through attention, LayerNorm, MLP
            _ => throw new System.InvalidOperationException("unreachable: Pool is closed"),
        };
        long preLogits = m.PreLogits is int r ? 2L * r : 0;
        long lossTerms = loss is Loss.Sigmoid ? 3 * k /* float targets, per-class losses, logits kept */ : k /* log-softmax */;
        return images + embedding + m.Depth * block + finalNorm + pool + preLogits + k /* logits */ + lossTerms;
    }

    /// <summary>The sigmoid loss's one-hot targets are built as 64-bit integers before conversion: 8 bytes per class.</summary>
    public static long PerImageLossIndexBytes(Vit m, Loss loss) => loss is Loss.Sigmoid ? 8L * m.Classifier.Classes : 0;

    /// <summary>Batch-independent elements: the q/k/v (and MAP key/value) weights each attention concatenates.</summary>
    public static long FixedElements(Vit m)
    {
        long d = m.Width;
        return m.Depth * (3 * d * d + 3 * d) + (m.Pool is Pool.Map ? 2 * d * d + 2 * d : 0);
    }
}
