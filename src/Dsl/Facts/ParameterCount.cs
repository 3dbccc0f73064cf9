namespace ViTDsl;

/// <summary>
/// Parameter counts of a <see cref="Vit"/>, layer by layer (docs/reference.md §1). The generator emits these as plan
/// constants and tests compare them with the generated module's real parameters, so this is the one formula.
/// </summary>
public static class ParameterCount
{
    /// <summary>Patch embedding: a p×p convolution from C channels to D, with bias.</summary>
    public static long Stem(Vit m) => (long)m.Patch * m.Patch * m.Channels * m.Width + m.Width;

    /// <summary>Learned position embedding, one row per token.</summary>
    public static long PositionEmbedding(Vit m) => (long)m.Tokens * m.Width;

    /// <summary>One pre-LayerNorm block: attention 4D²+4D, MLP 2DM+M+D, two LayerNorms 4D.</summary>
    public static long Block(Vit m) => Attention(m.Width) + Mlp(m.Width, m.Mlp) + 2 * LayerNorm(m.Width);

    /// <summary>The paper's "Mio. Param" convention: stem, position embedding, blocks and final LayerNorm.</summary>
    public static long Trunk(Vit m) => Stem(m) + PositionEmbedding(m) + m.Depth * Block(m) + LayerNorm(m.Width);

    /// <summary>Parameters of the pooling head: the class token, nothing for GAP, or the MAP head.</summary>
    public static long Pool(Vit m) => m.Pool switch
    {
        ViTDsl.Pool.Token => m.Width,
        ViTDsl.Pool.Gap => 0,
        ViTDsl.Pool.Map => m.Width /* probe */ + Attention(m.Width) + LayerNorm(m.Width) + Mlp(m.Width, m.Mlp),
        _ => throw new System.InvalidOperationException("unreachable: Pool is closed"),
    };

    /// <summary>The optional tanh(Dense) pre-logits layer.</summary>
    public static long PreLogits(Vit m) => m.PreLogits is int r ? (long)m.Width * r + r : 0;

    /// <summary>The classifier: kernel and bias.</summary>
    public static long Classifier(Vit m) => (long)m.RepresentationWidth * m.Classifier.Classes + m.Classifier.Classes;

    /// <summary>Every trainable parameter of the model.</summary>
    public static long Total(Vit m) => Trunk(m) + Pool(m) + PreLogits(m) + Classifier(m);

    private static long Attention(long d) => 4 * d * d + 4 * d;
    private static long Mlp(long d, long mlp) => 2 * d * mlp + mlp + d;
    private static long LayerNorm(long d) => 2 * d;
}
