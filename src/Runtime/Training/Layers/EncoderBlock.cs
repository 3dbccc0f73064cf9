using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ViTDsl.Runtime.Layers;

/// <summary>
/// A pre-LayerNorm transformer block (<see cref="EncoderBlockPart"/>): x + Attention(LN(x)), then x + MLP(LN(x)). The
/// residual stream is in the model's precision, as big_vision's under dtype_mm (its stem output and position embedding
/// are bfloat16, and bfloat16 branches add to them). Each LayerNorm computes its statistics in float32 (torch's CPU
/// kernel does for a bfloat16 input with float32 weights) and returns the stream's type: for the product that reads it
/// that is big_vision's float32 LayerNorm output cast to bfloat16.
/// </summary>
internal sealed class EncoderBlock : nn.Module<Tensor, Tensor>
{
    private readonly LayerNorm norm1, norm2;
    private readonly Attention attention;
    private readonly MlpBlock mlp;

    public EncoderBlock(EncoderBlockPart part, Device? device = null, Precision precision = Precision.Fp32) : base(nameof(EncoderBlock))
    {
        register_module(EncoderBlockPart.Norm1, norm1 = Init.Norm(part.Width, device));
        register_module(EncoderBlockPart.Attention, attention = new Attention(new AttentionPart(part.Width, part.Heads), device, precision));
        register_module(EncoderBlockPart.Norm2, norm2 = Init.Norm(part.Width, device));
        register_module(EncoderBlockPart.MlpBlock, mlp = new MlpBlock(new MlpPart(part.Width, part.Mlp), device, precision));
    }

    // No dispose scope here: the intermediates belong to the model's forward scope. A scope per block (and per
    // attention) cost about 10% of training speed on small models (bench training).
    public override Tensor forward(Tensor x)
    {
        var y = norm1.forward(x);
        // a.add(b, One) is a + b without the unowned Scalar that TorchSharp's + makes (see Scalars).
        x = x.add(attention.forward(y, y), Scalars.One);
        x = x.add(mlp.forward(norm2.forward(x)), Scalars.One);
        return x;
    }
}
