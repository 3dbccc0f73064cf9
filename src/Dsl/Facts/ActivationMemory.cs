namespace ViTDsl;

/// <summary>
/// Activation memory of one training step of a generated ViT: the tensors alive at the step's activation peak,
/// counted layer by layer for the layers this project generates (src/Runtime/Training/Layers), in the way the declared
/// <see cref="Execution"/> runs them (docs/reference.md §9–10).
/// <para>
/// Per image, with T tokens, D width, M MLP width, h heads, one encoder block keeps T·(11D + 2M + 4) elements: its
/// LayerNorm outputs (2 × TD) and statistics (4T), the fused q/k/v projection (3TD), attention output, merged heads,
/// output projection and residual sum (4 × TD), the MLP hidden layer before and after GELU (2 × TM), the MLP output
/// and residual sum (2 × TD) — Korthikanti et al. (2022)'s s·b·(16h + 4M)-byte count for 16-bit activations without
/// dropout, written for these layers — plus what attention keeps: eagerly the log-sum-exp of fused attention
/// (PyTorch's scaled_dot_product_attention, hT), under XLA the softmax probabilities (hT², flax's
/// dot_product_attention). Eagerly each block also holds its concatenated q/k/v weights (3D² + 3D, independent of
/// the batch). Around the blocks: the input images, the patch embedding and position sum, the final LayerNorm, the
/// pooling head (GAP: the mean; MAP: its key/value projection of all tokens and its own small attention and MLP on
/// one query), pre-logits, logits, and the loss's per-class terms. Under XLA, T is padded to a multiple of 128.
/// </para>
/// <para>
/// Without rematerialisation the peak is the end of the forward pass (the backward pass frees activations as it
/// makes gradients). Rematerialising each encoder block keeps only the blocks' inputs (T·D each); the peak is then
/// the larger of the end of the forward pass (inputs, last output, head) and the backward pass of the last block
/// (inputs, that block's recomputed activations and the gradients its backward pass holds).
/// </para>
/// </summary>
internal static class ActivationMemory
{
    /// <summary>Activation bytes at the peak of a step over <paramref name="batch"/> images.</summary>
    /// <param name="m">The model.</param>
    /// <param name="loss">The loss, whose integer targets are kept for the backward pass.</param>
    /// <param name="batch">Images per step on one device.</param>
    /// <param name="elementBytes">Bytes per activation element: 4 in float32, 2 in bfloat16.</param>
    /// <param name="execution">How the step runs; eager without rematerialisation when null.</param>
    public static long Bytes(Vit m, Loss loss, int batch, int elementBytes = TrainingMemory.Float32Bytes, Execution? execution = null)
    {
        var e = execution ?? Execution.Eager;
        return (long)batch * (PerImageElements(m, loss, e) * elementBytes + PerImageLossIndexBytes(m, loss)) + FixedElements(m, e) * elementBytes;
    }

    /// <summary>
    /// Activation bytes alive while the backward pass reaches the first block, when all the other blocks' gradients
    /// exist: the stem's activations and the first block's (recomputed under rematerialisation) with its input. What
    /// an XLA step holds next to its gradients (<see cref="TrainingMemory"/>); the batch-independent eager terms are
    /// not counted.
    /// </summary>
    public static long BackwardBytes(Vit m, int batch, int elementBytes, Execution execution) =>
        (long)batch * (StemElements(m, execution) + BlockElements(m, execution) + (long)execution.PaddedTokens(m.Tokens) * m.Width) * elementBytes;

    /// <summary>Elements each image adds at the activation peak (everything but the loss's integer targets).</summary>
    public static long PerImageElements(Vit m, Loss loss, Execution? execution = null)
    {
        var e = execution ?? Execution.Eager;
        long td = (long)e.PaddedTokens(m.Tokens) * m.Width;
        long stem = StemElements(m, e), block = BlockElements(m, e), head = HeadElements(m, loss, e);
        return e.Rematerialisation switch
        {
            Rematerialisation.None => stem + m.Depth * block + head,
            Rematerialisation.EncoderBlock => stem + m.Depth * td + System.Math.Max(td + head, block + BlockBackwardElements(m, e)),
            _ => throw new System.InvalidOperationException("unreachable: Rematerialisation is closed"),
        };
    }

    /// <summary>The input images, the patch embedding (with the class token) and the position sum.</summary>
    public static long StemElements(Vit m, Execution e)
    {
        long t = e.PaddedTokens(m.Tokens), n = m.Patches, d = m.Width;
        return (long)m.Channels * m.Image * m.Image + n * d /* convolution */ + (m.Pool is Pool.Token ? t * d /* with the class token */ : 0) + t * d /* + position */;
    }

    /// <summary>What one encoder block keeps for its backward pass, per image.</summary>
    public static long BlockElements(Vit m, Execution e)
    {
        long t = e.PaddedTokens(m.Tokens), d = m.Width, h = m.Heads;
        var attention = e.Mode == ExecutionMode.Xla ? h * t * t /* softmax probabilities */ : h * t /* log-sum-exp */;
        return t * (11 * d + 2 * m.Mlp + 4) + attention;
    }

    /// <summary>
    /// Gradients a block's backward pass holds at once next to its activations: the gradient that enters and the one
    /// that leaves the block (2·TD), and the MLP's hidden-layer gradients before and after GELU (2·TM). Without
    /// rematerialisation they never reach the end-of-forward peak (the blocks after it have freed more); with it they
    /// come on top of every block's input and the recomputed block's activations.
    /// </summary>
    public static long BlockBackwardElements(Vit m, Execution e) => 2L * e.PaddedTokens(m.Tokens) * (m.Width + m.Mlp);

    /// <summary>The final LayerNorm, pooling head, pre-logits, logits and loss terms, per image.</summary>
    public static long HeadElements(Vit m, Loss loss, Execution e)
    {
        long t = e.PaddedTokens(m.Tokens), d = m.Width, mlp = m.Mlp, h = m.Heads, k = m.Classifier.Classes;
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
        return finalNorm + pool + preLogits + k /* logits */ + lossTerms;
    }

    /// <summary>The sigmoid loss's one-hot targets are built as 64-bit integers before conversion: 8 bytes per class.</summary>
    public static long PerImageLossIndexBytes(Vit m, Loss loss) => loss is Loss.Sigmoid ? 8L * m.Classifier.Classes : 0;

    /// <summary>
    /// Batch-independent elements: eagerly, the q/k/v (and MAP key/value) weights each attention concatenates (one
    /// block's at a time when blocks are rematerialised). XLA reads the separate kernels and concatenates nothing.
    /// </summary>
    public static long FixedElements(Vit m, Execution? execution = null)
    {
        var e = execution ?? Execution.Eager;
        if (e.Mode == ExecutionMode.Xla) return 0;
        long d = m.Width;
        var blocks = e.Rematerialisation == Rematerialisation.EncoderBlock ? 1 : m.Depth;
        return blocks * (3 * d * d + 3 * d) + (m.Pool is Pool.Map ? 2 * d * d + 2 * d : 0);
    }
}
