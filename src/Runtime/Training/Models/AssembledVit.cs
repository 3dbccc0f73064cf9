using TorchSharp;
using TorchSharp.Modules;
using ViTDsl.Runtime.Layers;
using static TorchSharp.torch;

namespace ViTDsl.Runtime.Models;

/// <summary>
/// A ViT of any <see cref="Vit"/> value assembled at run time from the Runtime layers, with the field layout and
/// forward pass the generator emits (stem, position, cls, blocks, norm, pool, preLogits, head): for shapes nobody
/// declared (memory probes of arbitrary shapes, optimizer tests). Declared experiments use their generated model.
/// </summary>
public sealed class AssembledVit : VitModule
{
    private readonly Vit spec;
    private readonly PatchEmbedding stem;
    private readonly Parameter position;
    private readonly Parameter? cls;
    private readonly ModuleList<EncoderBlock> blocks;
    private readonly LayerNorm norm;
    private readonly MapHead? pool;
    private readonly Linear? preLogits;
    private readonly Linear head;

    public AssembledVit(Vit m, Device? device = null, Precision precision = Precision.Fp32) : base(nameof(AssembledVit), precision)
    {
        spec = m;
        stem = new PatchEmbedding(m.Channels, m.Width, m.Patch, device, precision);
        position = Init.PositionEmbedding(m.Tokens, m.Width, device);
        blocks = nn.ModuleList(Enumerable.Range(0, m.Depth).Select(_ => new EncoderBlock(m.Width, m.Mlp, m.Heads, device, precision)).ToArray());
        norm = Init.Norm(m.Width, device);
        head = Init.Classifier(m.RepresentationWidth, m.Classifier.Classes, m.Classifier.ZeroKernel, m.Classifier.BiasInit, device);
        register_module("stem", stem);
        register_parameter("position", position);
        if (m.Pool is Pool.Token) register_parameter("cls", cls = Init.ClassToken(m.Width, device));
        register_module("blocks", blocks);
        register_module("norm", norm);
        if (m.Pool is Pool.Map) register_module("pool", pool = new MapHead(m.Width, m.Mlp, m.Heads, device, precision));
        if (m.PreLogits is int r) register_module("preLogits", preLogits = Init.Dense(m.Width, r, device));
        register_module("head", head);
    }

    public override Vit Shape => spec;

    public override Tensor Features(Tensor images)
    {
        if (preLogits is null) return Pooled(images);
        using var pooled = Pooled(images);
        return MatrixProducts.DenseToFloat32(preLogits, pooled, Precision).tanh();
    }

    public override Tensor Logits(Tensor features) => MatrixProducts.DenseToFloat32(head, features, Precision);

    public override Tensor Pooled(Tensor images)
    {
        using var scope = NewDisposeScope();
        var x = stem.forward(images);
        if (cls is not null) x = cat([cls.expand(x.shape[0], -1, -1), x], 1);
        x = x.add(position, Runtime.Scalars.One); // as generated: + would pass an unowned Scalar (see Scalars)
        foreach (var block in blocks) x = Rematerialised.Forward(block, x, Rematerialisation);
        x = norm.forward(x);
        var pooled = spec.Pool switch
        {
            Pool.Token => x.select(1, 0),
            Pool.Gap => x.mean([1]),
            _ => pool!.forward(x),
        };
        return pooled.MoveToOuterDisposeScope();
    }
}
