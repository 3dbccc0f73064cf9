using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ViTDsl.Runtime.Layers;

/// <summary>
/// Multihead attention pooling (big_vision MAPHead, docs/reference.md §2): a learned probe queries the encoder output;
/// no residual around the attention; then x + MLP(LN(x)); the probe's output is the representation. Its products run
/// in the model's precision; the representation it returns is float32.
/// </summary>
public sealed class MapHead : nn.Module<Tensor, Tensor>
{
    private readonly Parameter probe;
    private readonly Attention attention;
    private readonly LayerNorm norm;
    private readonly MlpBlock mlp;
    private readonly Precision precision;

    public MapHead(int width, int mlpWidth, int heads, Device? device = null, Precision precision = Precision.Fp32) : base(nameof(MapHead))
    {
        this.precision = precision;
        probe = Init.MapProbe(width, device);
        attention = new Attention(width, heads, device, precision);
        norm = Init.Norm(width, device);
        mlp = new MlpBlock(width, mlpWidth, device, precision);
        RegisterComponents();
    }

    /// <param name="tokens">[batch, T, D], after the encoder's final LayerNorm.</param>
    /// <returns>[batch, D]</returns>
    public override Tensor forward(Tensor tokens)
    {
        using var scope = NewDisposeScope();
        var x = attention.forward(probe.expand(tokens.shape[0], -1, -1), tokens);
        // No residual brings a bf16 attention output back to the stream's type, so the LayerNorm's input is cast.
        if (precision != Precision.Fp32) x = x.to(tokens.dtype);
        x = x.add(mlp.forward(norm.forward(x)), Scalars.One); // a + b without an unowned Scalar (see Scalars)
        return x.select(1, 0).MoveToOuterDisposeScope();
    }
}
