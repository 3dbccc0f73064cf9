using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ViTDsl.Runtime.Layers;

/// <summary>
/// Multi-head attention with separate query and key/value inputs (self-attention passes the same tensor twice;
/// the MAP head passes its probe as the query). Four D×D projections with bias: 4D² + 4D parameters. Projections and
/// scores multiply in the model's precision; under bf16 the fused attention kernel still accumulates its softmax in
/// float32 (libtorch's CPU kernel computes in the accumulation type of bfloat16, float).
/// </summary>
public sealed class Attention : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly Linear query, key, value, output;
    private readonly int heads;
    private readonly Precision precision;

    public Attention(int width, int heads, Device? device = null, Precision precision = Precision.Fp32) : base(nameof(Attention))
    {
        this.heads = heads;
        this.precision = precision;
        query = Init.Dense(width, width, device);
        key = Init.Dense(width, width, device);
        value = Init.Dense(width, width, device);
        output = Init.Dense(width, width, device);
        RegisterComponents();
    }

    /// <param name="q">[batch, Tq, D]</param>
    /// <param name="kv">[batch, Tk, D]</param>
    /// <returns>[batch, Tq, D]</returns>
    public override Tensor forward(Tensor q, Tensor kv)
    {
        // One matrix product for the projections that share an input: on small models the product count, not the
        // FLOPs, bounds the speed. The parameters stay separate (q, k, v), as the paper's parameter names count them.
        Tensor qh, kh, vh;
        if (ReferenceEquals(q, kv))
        {
            var qkv = MatrixProducts.Dense(q, cat([query.weight!, key.weight!, value.weight!]), cat([query.bias!, key.bias!, value.bias!]), precision).chunk(3, -1);
            (qh, kh, vh) = (qkv[0], qkv[1], qkv[2]);
        }
        else
        {
            var keyValue = MatrixProducts.Dense(kv, cat([key.weight!, value.weight!]), cat([key.bias!, value.bias!]), precision).chunk(2, -1);
            (qh, kh, vh) = (MatrixProducts.Dense(query, q, precision), keyValue[0], keyValue[1]);
        }
        var attended = nn.functional.scaled_dot_product_attention(SplitHeads(qh), SplitHeads(kh), SplitHeads(vh));
        var (batch, _, tokens, headWidth) = (attended.shape[0], attended.shape[1], attended.shape[2], attended.shape[3]);
        var merged = attended.transpose(1, 2).reshape(batch, tokens, heads * headWidth);
        return MatrixProducts.Dense(output, merged, precision);
    }

    private Tensor SplitHeads(Tensor x) => x.view(x.shape[0], x.shape[1], heads, -1).transpose(1, 2);
}
