using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ViTDsl.Runtime.Layers;

/// <summary>
/// Multihead attention pooling (big_vision MAPHead, docs/reference.md §2; <see cref="MapHeadPart"/>): a learned probe
/// queries the encoder output; no residual around the attention; then x + MLP(LN(x)); the probe's output is the
/// representation. Always float32: big_vision builds its MAPHead without dtype_mm, on the float32 output of the
/// encoder's final LayerNorm.
/// </summary>
internal sealed class MapHead : nn.Module<Tensor, Tensor>
{
    private readonly Parameter probe;
    private readonly Attention attention;
    private readonly LayerNorm norm;
    private readonly MlpBlock mlp;

    public MapHead(MapHeadPart part, Device? device = null) : base(nameof(MapHead))
    {
        register_parameter(MapHeadPart.Probe, probe = Init.MapProbe(part.Width, device));
        register_module(MapHeadPart.Attention, attention = new Attention(new AttentionPart(part.Width, part.Heads), device));
        register_module(MapHeadPart.Norm, norm = Init.Norm(part.Width, device));
        register_module(MapHeadPart.MlpBlock, mlp = new MlpBlock(new MlpPart(part.Width, part.Mlp), device));
    }

    /// <param name="tokens">[batch, T, D] float32, after the encoder's final LayerNorm.</param>
    /// <returns>[batch, D]</returns>
    public override Tensor forward(Tensor tokens)
    {
        using var scope = NewDisposeScope();
        var x = attention.forward(probe.expand(tokens.shape[0], -1, -1), tokens);
        x = x.add(mlp.forward(norm.forward(x)), Scalars.One); // a + b without an unowned Scalar (see Scalars)
        return x.select(1, 0).MoveToOuterDisposeScope();
    }
}
