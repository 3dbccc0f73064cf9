using System.Collections.Generic;
using System.Linq;

namespace ViTDsl;

/// <summary>
/// One module of a ViT, described once for everyone who needs its layout: the runtime builds its layer from it (sizes and
/// child names), and the facts read its parameter tensors from it (torch shape, big_vision shape and name) before any
/// model exists. A part's children are named twice: as TorchSharp's <c>state_dict</c> names them and as big_vision's
/// <c>vit.py</c> names them (an empty big_vision name: the child sits at its parent's level there).
/// </summary>
public abstract record VitPart
{
    /// <summary>The part's parameter tensors, named under <paramref name="torchPrefix"/> and <paramref name="bigVisionPrefix"/>.</summary>
    public IEnumerable<ParameterShape> Parameters(string torchPrefix, string bigVisionPrefix) =>
        Tensors.Select(t => t.Under(torchPrefix, bigVisionPrefix))
            .Concat(Children.SelectMany(c => c.Part.Parameters(Join(torchPrefix, c.TorchName, "."), Join(bigVisionPrefix, c.BigVisionName, "/"))));

    /// <summary>The tensors this part holds itself (named relative to it).</summary>
    protected virtual IEnumerable<ParameterShape> Tensors => Enumerable.Empty<ParameterShape>();

    /// <summary>The parts it is made of, in the order the runtime registers them.</summary>
    protected virtual IEnumerable<VitChild> Children => Enumerable.Empty<VitChild>();

    internal static string Join(string prefix, string name, string separator) =>
        prefix.Length == 0 ? name : name.Length == 0 ? prefix : prefix + separator + name;

    internal static ParameterShape Tensor(string torchName, string bigVisionName, params long[] dims) =>
        new(torchName, new ValueList<long>(dims)) { BigVisionName = bigVisionName };
}

/// <summary>A part inside another, under its torch name and its big_vision name.</summary>
public sealed record VitChild(string TorchName, string BigVisionName, VitPart Part);

/// <summary>Patch embedding: a p×p convolution with stride p from C channels to D (big_vision's <c>embedding</c>).</summary>
public sealed record PatchEmbeddingPart(int Channels, int Width, int Patch) : VitPart
{
    public const string Projection = "projection";

    protected override IEnumerable<VitChild> Children => new VitChild[]
    {
        new(Projection, "embedding", new ConvolutionPart(Channels, Width, Patch)),
    };
}

/// <summary>The stem's convolution: torch [D, C, p, p], big_vision (p, p, C, D).</summary>
public sealed record ConvolutionPart(int Channels, int Width, int Patch) : VitPart
{
    protected override IEnumerable<ParameterShape> Tensors => new[]
    {
        Tensor("weight", "kernel", Width, Channels, Patch, Patch) with { Layout = ParameterLayout.PatchKernel(Width, Channels, Patch) },
        Tensor("bias", "bias", Width),
    };
}

/// <summary>A learned tensor of its own (position embedding, class token, MAP probe).</summary>
public sealed record TensorPart(ValueList<long> Dims) : VitPart
{
    public TensorPart(params long[] dims) : this(new ValueList<long>(dims)) { }

    protected override IEnumerable<ParameterShape> Tensors => new[] { new ParameterShape("", Dims) };
}

/// <summary>LayerNorm over D (eps 1e-6): torch weight/bias, big_vision scale/bias.</summary>
public sealed record NormPart(int Width) : VitPart
{
    protected override IEnumerable<ParameterShape> Tensors => new[] { Tensor("weight", "scale", Width), Tensor("bias", "bias", Width) };
}

/// <summary>A dense layer: torch [out, in], big_vision (in, out).</summary>
public sealed record DensePart(int Inputs, int Outputs) : VitPart
{
    protected override IEnumerable<ParameterShape> Tensors => new[]
    {
        Tensor("weight", "kernel", Outputs, Inputs) with { Layout = ParameterLayout.DenseKernel(Inputs, Outputs) },
        Tensor("bias", "bias", Outputs),
    };
}

/// <summary>One of the attention's four D×D projections, with big_vision's per-head shapes (<see cref="ParameterLayout"/>).</summary>
public sealed record ProjectionPart(int Width, int Heads, bool IsOutput) : VitPart
{
    protected override IEnumerable<ParameterShape> Tensors => new[]
    {
        Tensor("weight", "kernel", Width, Width) with
        {
            Layout = IsOutput ? ParameterLayout.HeadsInKernel(Width, Heads) : ParameterLayout.HeadsOutKernel(Width, Heads),
        },
        IsOutput ? Tensor("bias", "bias", Width) : Tensor("bias", "bias", Width) with { Layout = ParameterLayout.HeadsBias(Width, Heads) },
    };
}

/// <summary>Multi-head attention: query, key, value and output projections (big_vision's <c>MultiHeadDotProductAttention</c>).</summary>
public sealed record AttentionPart(int Width, int Heads) : VitPart
{
    public const string Query = "query", Key = "key", Value = "value", Output = "output";

    protected override IEnumerable<VitChild> Children => new VitChild[]
    {
        new(Query, "query", new ProjectionPart(Width, Heads, IsOutput: false)),
        new(Key, "key", new ProjectionPart(Width, Heads, IsOutput: false)),
        new(Value, "value", new ProjectionPart(Width, Heads, IsOutput: false)),
        new(Output, "out", new ProjectionPart(Width, Heads, IsOutput: true)),
    };
}

/// <summary>Dense(D→M) → GELU → Dense(M→D) (big_vision's <c>MlpBlock</c>).</summary>
public sealed record MlpPart(int Width, int Hidden) : VitPart
{
    public const string Expand = "expand", Contract = "contract";

    protected override IEnumerable<VitChild> Children => new VitChild[]
    {
        new(Expand, "Dense_0", new DensePart(Width, Hidden)),
        new(Contract, "Dense_1", new DensePart(Hidden, Width)),
    };
}

/// <summary>A pre-LayerNorm encoder block (big_vision's <c>Encoder1DBlock</c>).</summary>
public sealed record EncoderBlockPart(int Width, int Mlp, int Heads) : VitPart
{
    public const string Norm1 = "norm1", Attention = "attention", Norm2 = "norm2", MlpBlock = "mlp";

    protected override IEnumerable<VitChild> Children => new VitChild[]
    {
        new(Norm1, "LayerNorm_0", new NormPart(Width)),
        new(Attention, "MultiHeadDotProductAttention_0", new AttentionPart(Width, Heads)),
        new(Norm2, "LayerNorm_1", new NormPart(Width)),
        new(MlpBlock, "MlpBlock_0", new MlpPart(Width, Mlp)),
    };
}

/// <summary>Multihead attention pooling (big_vision's <c>MAPHead</c>): probe, attention, LayerNorm, MLP.</summary>
public sealed record MapHeadPart(int Width, int Mlp, int Heads) : VitPart
{
    public const string Probe = "probe", Attention = "attention", Norm = "norm", MlpBlock = "mlp";

    protected override IEnumerable<VitChild> Children => new VitChild[]
    {
        new(Probe, "probe", new TensorPart(1, 1, Width)),
        new(Attention, "MultiHeadDotProductAttention_0", new AttentionPart(Width, Heads)),
        new(Norm, "LayerNorm_0", new NormPart(Width)),
        new(MlpBlock, "MlpBlock_0", new MlpPart(Width, Mlp)),
    };
}

/// <summary>
/// A whole <see cref="Vit"/> as its parts, under the names of the model's fields (stem, position, cls, blocks, norm,
/// pool, preLogits, head) and big_vision's (embedding, pos_embedding, cls, Transformer/encoderblock_i,
/// Transformer/encoder_norm, MAPHead_0, pre_logits, head). The runtime's <c>AssembledVit</c> builds exactly these
/// parts; <see cref="ParameterShapes"/> lists their tensors.
/// </summary>
public sealed record VitParts(Vit Shape) : VitPart
{
    public const string Stem = "stem", Position = "position", ClassToken = "cls", Blocks = "blocks", Norm = "norm",
        Pool = "pool", PreLogits = "preLogits", Head = "head";

    public PatchEmbeddingPart StemPart => new(Shape.Channels, Shape.Width, Shape.Patch);
    public TensorPart PositionPart => new(1, Shape.Tokens, Shape.Width);
    public TensorPart? ClassTokenPart => Shape.Pool is ViTDsl.Pool.Token ? new TensorPart(1, 1, Shape.Width) : null;
    public EncoderBlockPart BlockPart => new(Shape.Width, Shape.Mlp, Shape.Heads);
    public NormPart NormPart => new(Shape.Width);
    public MapHeadPart? PoolPart => Shape.Pool is ViTDsl.Pool.Map ? new MapHeadPart(Shape.Width, Shape.Mlp, Shape.Heads) : null;
    public DensePart? PreLogitsPart => Shape.PreLogits is int r ? new DensePart(Shape.Width, r) : null;
    public DensePart HeadPart => new(Shape.RepresentationWidth, Shape.Classifier.Classes);

    /// <summary>The name of the <paramref name="index"/>-th encoder block (<c>blocks.3</c>).</summary>
    public static string Block(int index) => Blocks + "." + index;

    protected override IEnumerable<VitChild> Children
    {
        get
        {
            yield return new VitChild(Stem, "", StemPart);
            yield return new VitChild(Position, "pos_embedding", PositionPart);
            if (ClassTokenPart is { } cls) yield return new VitChild(ClassToken, "cls", cls);
            for (var i = 0; i < Shape.Depth; i++) yield return new VitChild(Block(i), "Transformer/encoderblock_" + i, BlockPart);
            yield return new VitChild(Norm, "Transformer/encoder_norm", NormPart);
            if (PoolPart is { } pool) yield return new VitChild(Pool, "MAPHead_0", pool);
            if (PreLogitsPart is { } preLogits) yield return new VitChild(PreLogits, "pre_logits", preLogits);
            yield return new VitChild(Head, "head", HeadPart);
        }
    }
}
