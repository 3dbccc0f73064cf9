namespace ViTDsl;

/// <summary>
/// Forward-pass FLOPs of a <see cref="Vit"/> per image, counted as 2 × multiply-accumulates of the matrix products
/// (the paper's convention, docs/reference.md §1). Unlike the paper's table, which always assumes a [class] token, this
/// counts the model as declared: T = N tokens with GAP or MAP, plus the MAP head's own attention and MLP.
/// </summary>
public static class FlopCount
{
    public static double ForwardGflops(Vit m) => 2.0 * ForwardMacs(m) / 1e9;

    /// <summary>Training costs about three forward passes (forward plus a backward twice as expensive).</summary>
    public static double TrainingGflopsPerImage(Vit m) => 3 * ForwardGflops(m);

    public static double ForwardMacs(Vit m)
    {
        double d = m.Width, t = m.Tokens, n = m.Patches;
        double stem = n * m.Patch * m.Patch * m.Channels * d;
        double block = t * (4 * d * d + 2 * d * m.Mlp) + 2 * t * t * d;
        double head = m.Pool is Pool.Map
            ? 2 * n * d * d /* keys, values */ + 2 * d * d /* probe query, output */ + 2 * n * d /* scores, mix */ + 2 * d * m.Mlp
            : 0;
        double preLogits = m.PreLogits is int r ? d * r : 0;
        double classifier = (double)m.RepresentationWidth * m.Classifier.Classes;
        return stem + m.Depth * block + head + preLogits + classifier;
    }
}
