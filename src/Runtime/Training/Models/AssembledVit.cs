using TorchSharp;
using TorchSharp.Modules;
using ViTDsl.Runtime.Layers;
using static TorchSharp.torch;

namespace ViTDsl.Runtime.Models;

/// <summary>
/// The one ViT composition: the parts of <see cref="VitParts"/> (the Dsl's description, which the facts count too) built
/// from the Runtime layers under their state_dict names, and the forward pass. Every model is one: each generated
/// model class derives from it with its literal shape, and anything that needs a model of a shape nobody declared
/// (memory probes, tests) builds one directly.
/// <para>
/// Under <see cref="Precision.Bf16"/> it computes what big_vision's <c>vit.py</c> computes with
/// <c>dtype_mm = bfloat16</c> (docs/reference.md, "bf16"): the stem, the encoder's attention and MLP products and the
/// residual stream (stem output + position embedding, then each block's sums) in bfloat16; the encoder's final
/// LayerNorm returns float32, and the pooling (MAP head, GAP or class token), pre-logits and classifier run in float32.
/// </para>
/// </summary>
public class AssembledVit : VitModule
{
    private readonly Vit shape;
    private readonly PatchEmbedding stem;
    private readonly Parameter position;
    private readonly Parameter? cls;
    private readonly ModuleList<EncoderBlock> blocks;
    private readonly LayerNorm norm;
    private readonly MapHead? pool;
    private readonly Linear? preLogits;
    private readonly Linear head;

    /// <param name="shape">The model's shape.</param>
    /// <param name="device">Where to allocate the weights; <c>torch.device("meta")</c> builds the module without memory.</param>
    /// <param name="precision">The number type of its products and residual stream (<see cref="Precision.Fp32"/> or
    /// <see cref="Precision.Bf16"/>); weights are float32 either way.</param>
    public AssembledVit(Vit shape, Device? device = null, Precision precision = Precision.Fp32)
        : this(nameof(AssembledVit), shape, device, precision)
    {
    }

    /// <summary>For a generated model class: its own module name, its literal shape.</summary>
    protected AssembledVit(string name, Vit shape, Device? device, Precision precision) : base(name, precision)
    {
        this.shape = shape;
        var parts = new VitParts(shape);
        register_module(VitParts.Stem, stem = new PatchEmbedding(parts.StemPart, device, precision));
        register_parameter(VitParts.Position, position = Init.PositionEmbedding(shape.Tokens, shape.Width, device));
        if (parts.ClassTokenPart is not null) register_parameter(VitParts.ClassToken, cls = Init.ClassToken(shape.Width, device));
        register_module(VitParts.Blocks, blocks = nn.ModuleList(
            Enumerable.Range(0, shape.Depth).Select(_ => new EncoderBlock(parts.BlockPart, device, precision)).ToArray()));
        register_module(VitParts.Norm, norm = Init.Norm(shape.Width, device));
        if (parts.PoolPart is { } map) register_module(VitParts.Pool, pool = new MapHead(map, device));
        if (parts.PreLogitsPart is { } dense) register_module(VitParts.PreLogits, preLogits = Init.Dense(dense.Inputs, dense.Outputs, device));
        var classifier = shape.Classifier;
        register_module(VitParts.Head, head = Init.Classifier(parts.HeadPart.Inputs, parts.HeadPart.Outputs, classifier.ZeroKernel, classifier.BiasInit, device));
    }

    public override Vit Shape => shape;

    /// <summary>The encoder blocks, in order (for callers that run them one by one).</summary>
    internal IReadOnlyList<EncoderBlock> Blocks => [.. blocks];

    public override Tensor Pooled(Tensor images)
    {
        using var scope = NewDisposeScope();
        var x = Embed(images);
        foreach (var block in blocks) x = Rematerialised.Forward(block, x, Rematerialisation);
        // big_vision's encoder_norm returns float32 (flax promotes a bfloat16 input with its float32 scale and bias).
        if (Precision != Precision.Fp32) x = x.to(ScalarType.Float32);
        x = norm.forward(x);
        var pooled = shape.Pool switch
        {
            Pool.Token => x.select(1, 0),
            Pool.Gap => x.mean([1]),
            _ => pool!.forward(x),
        };
        return pooled.MoveToOuterDisposeScope();
    }

    /// <summary>The class token (with <see cref="Pool.Token"/>) and the patch tokens, plus the position embedding, in the stream's type.</summary>
    public Tensor Embed(Tensor images)
    {
        using var scope = NewDisposeScope();
        var x = stem.forward(images);
        if (cls is not null) x = cat([MatrixProducts.In(cls, Precision).expand(x.shape[0], -1, -1), x], 1);
        // The position embedding in the stream's type, as big_vision's (created in the stem output's dtype). Its rows
        // cover the class token too (timm's layout; docs/reference.md §10).
        x = x.add(MatrixProducts.In(position, Precision), Runtime.Scalars.One); // + would pass an unowned Scalar (see Scalars)
        return x.MoveToOuterDisposeScope();
    }

    public override Tensor Features(Tensor images)
    {
        if (preLogits is null) return Pooled(images);
        using var pooled = Pooled(images);
        using var dense = preLogits.forward(pooled);
        return dense.tanh();
    }

    public override Tensor Logits(Tensor features) => head.forward(features);
}
