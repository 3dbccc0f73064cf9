using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ViTDsl.Runtime.Layers;

/// <summary>
/// Multi-head attention with separate query and key/value inputs (self-attention passes the same tensor twice;
/// the MAP head passes its probe as the query). Four D×D projections with bias (<see cref="AttentionPart"/>), in the
/// model's <see cref="Precision"/>. In float32 the scores and softmax run in torch's fused
/// <c>scaled_dot_product_attention</c> (no T×T scores kept for the backward pass). In bf16 they run as flax's
/// <c>dot_product_attention</c> does with <c>dtype = bfloat16</c>: the query divided by √(D/h) (itself rounded to
/// bfloat16), the scores, the softmax weights (torch computes them in float32 from bfloat16 scores) and the weighted sum
/// each bfloat16; two batched products, faster on CPUs than the fused kernel's bfloat16 path at ViT sequence lengths.
/// </summary>
internal sealed class Attention : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly Linear query, key, value, output;
    private readonly int heads, headWidth;
    private readonly Precision precision;
    private readonly double sqrtHeadWidth;

    public Attention(AttentionPart part, Device? device = null, Precision precision = Precision.Fp32) : base(nameof(Attention))
    {
        (heads, headWidth) = (part.Heads, part.Width / part.Heads);
        this.precision = precision;
        // flax: query / jnp.sqrt(depth).astype(dtype), the divisor rounded to the products' type.
        sqrtHeadWidth = precision == Precision.Fp32 ? Math.Sqrt(headWidth) : RoundToBfloat16(Math.Sqrt(headWidth));
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
        var attended = Attend(split[0], split[1], split[2]);
        var merged = attended.transpose(1, 2).reshape(attended.shape[0], attended.shape[2], heads * headWidth);
        return MatrixProducts.Dense(merged, [output], precision);
    }

    /// <summary>softmax(q·kᵀ/√(D/h))·v per head: [batch, heads, T, D/h].</summary>
    private Tensor Attend(Tensor q, Tensor k, Tensor v)
    {
        if (precision == Precision.Fp32) return nn.functional.scaled_dot_product_attention(q, k, v);
        using Scalar divisor = sqrtHeadWidth; // owned: see Scalars
        using var scaled = q.div(divisor);
        using var scores = scaled.matmul(k.transpose(-2, -1));
        using var weights = scores.softmax(-1);
        return weights.matmul(v);
    }

    /// <summary>The nearest bfloat16 (ties to even): float32 with its low 16 bits rounded off.</summary>
    private static double RoundToBfloat16(double value)
    {
        var bits = BitConverter.SingleToUInt32Bits((float)value);
        bits = (bits + 0x7FFFu + ((bits >> 16) & 1u)) & 0xFFFF0000u;
        return BitConverter.UInt32BitsToSingle(bits);
    }

    /// <summary>[batch, T, n·D] → n views [batch, heads, T, D/heads] (no copy).</summary>
    private Tensor[] SplitHeads(Tensor projections) =>
        projections.view(projections.shape[0], projections.shape[1], -1, heads, headWidth).permute(2, 0, 3, 1, 4).unbind(0);
}
