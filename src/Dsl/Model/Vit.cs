namespace ViTDsl;

/// <summary>
/// A Vision Transformer: the shape of its encoder plus input, pooling and head. Sizes are concrete numbers so the
/// generator can emit a module with literal dimensions and prove its facts at build time.
/// </summary>
/// <param name="Patch">Side of a square patch in pixels (the "/16" in B/16).</param>
/// <param name="Width">Hidden size D of every token.</param>
/// <param name="Depth">Number of encoder blocks L.</param>
/// <param name="Mlp">Hidden size M of each block's MLP.</param>
/// <param name="Heads">Attention heads; must divide <paramref name="Width"/>.</param>
public sealed partial record Vit(int Patch, int Width, int Depth, int Mlp, int Heads)
{
    /// <summary>The paper's name for this shape ("B/16"), or "custom".</summary>
    public string Variant { get; init; } = "custom";

    /// <summary>Side of the square input image in pixels; must be a multiple of <see cref="Patch"/>.</summary>
    public int Image { get; init; } = 224;

    /// <summary>Input channels (3 for RGB, 1 for grayscale).</summary>
    public int Channels { get; init; } = 3;

    /// <summary>The pooling head; the paper uses <see cref="ViTDsl.Pool.Map"/>.</summary>
    public Pool Pool { get; init; } = new Pool.Map();

    /// <summary>Width of an optional tanh(Dense) pre-logits layer; the paper removes it (null).</summary>
    public int? PreLogits { get; init; }

    /// <summary>The classifier; 1000 classes by default (ImageNet-sized).</summary>
    public Classifier Classifier { get; init; } = new(1000);

    /// <summary>Patches along one side of the image.</summary>
    public int Grid => Image / Patch;

    /// <summary>Number of patch tokens N.</summary>
    public int Patches => Grid * Grid;

    /// <summary>Tokens the encoder processes: the patches, plus one with a [class] token.</summary>
    public int Tokens => Patches + (Pool.HasClassToken ? 1 : 0);

    /// <summary>Width of the representation the classifier (and few-shot probes) see.</summary>
    public int RepresentationWidth => PreLogits ?? Width;

    /// <summary>Size per attention head.</summary>
    public int HeadWidth => Width / Heads;
}
