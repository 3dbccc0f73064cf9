using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ViTDsl.Runtime.Layers;

/// <summary>
/// Multi-head attention with separate query and key/value inputs (self-attention passes the same tensor twice;
/// the MAP head passes its probe as the query). Four D×D projections with bias (<see cref="AttentionPart"/>), in the
/// model's <see cref="Precision"/>; the scores and their softmax run inside torch's fused
/// <c>scaled_dot_product_attention</c> on the projections' type (under bf16 its CPU kernel accumulates in float32 and
/// returns bfloat16).
/// </summary>
public sealed class Attention : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly Linear query, key, value, output;
    private readonly int heads, headWidth;
    private readonly Precision precision;

    public Attention(AttentionPart part, Device? device = null, Precision precision = Precision.Fp32) : base(nameof(Attention))
    {
        (heads, headWidth) = (part.Heads, part.Width / part.Heads);
        this.precision = precision;
        register_module(AttentionPart.Query, query = Init.Dense(part.Width, part.Width, device));
        register_module(AttentionPart.Key, key = Init.Dense(part.Width, part.Width, device));
        register_module(AttentionPart.Value, value = Init.Dense(part.Width, part.Width, device));
        register_module(AttentionPart.Output, output = Init.Dense(part.Width, part.Width, device));
    }

    /// <param name="q">[batch, Tq, D]</param>
    /// <param name="kv">[batch, Tk, D]</param>
    /// <returns>[batch, Tq, D] in the model's precision.</returns>
    public override Tensor forward(Tensor q, Tensor kv)
    {
        // One matrix product for the projections that share an input: on small models the product count, not the
        // FLOPs, bounds the speed. The parameters stay separate (q, k, v), as the paper's parameter names count them.
        // Intermediates belong to the caller's dispose scope (a scope per layer cost measurable speed on small models).
        var split = ReferenceEquals(q, kv)
            ? SplitHeads(MatrixProducts.Dense(q, [query, key, value], precision))
            : [.. SplitHeads(MatrixProducts.Dense(q, [query], precision)), .. SplitHeads(MatrixProducts.Dense(kv, [key, value], precision))];
        var attended = nn.functional.scaled_dot_product_attention(split[0], split[1], split[2]);
        var merged = attended.transpose(1, 2).reshape(attended.shape[0], attended.shape[2], heads * headWidth);
        return MatrixProducts.Dense(merged, [output], precision);
    }

    /// <summary>[batch, T, n·D] → n views [batch, heads, T, D/heads] (no copy).</summary>
    private Tensor[] SplitHeads(Tensor projections) =>
        projections.view(projections.shape[0], projections.shape[1], -1, heads, headWidth).permute(2, 0, 3, 1, 4).unbind(0);
}
