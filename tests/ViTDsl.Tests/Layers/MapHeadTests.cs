using TorchSharp;
using ViTDsl.Runtime.Layers;
using static TorchSharp.torch;

namespace ViTDsl.Tests.Layers;

// The MAP head against docs/reference.md §2 written out with plain tensor ops and explicit loops over heads: a learned
// probe queries the tokens, no residual around the attention, then x + MLP(LN(x)), output the probe's row.
[Collection(SerialCollection.Name)] // torch's global generator seeds the layers
public class MapHeadTests
{
    [Fact]
    public void Output_equals_a_reference_computed_by_hand()
    {
        const int batch = 2, tokens = 5, width = 6, mlp = 7, heads = 2;
        manual_seed(3);
        using var head = new MapHead(new MapHeadPart(width, mlp, heads));
        using (no_grad())
            foreach (var (_, parameter) in head.named_parameters()) parameter.copy_(randn_like(parameter) * 0.5);
        var x = randn(batch, tokens, width, dtype: float64);
        head.to(float64);

        var p = head.named_parameters().ToDictionary(n => n.name, n => n.parameter);
        var expected = zeros(batch, width, dtype: float64);
        for (int b = 0; b < batch; b++)
        {
            var probe = p["probe"].reshape(1, width);                    // [1, D]
            var q = Dense(probe, p, "attention.query");                  // [1, D]
            var k = Dense(x[b], p, "attention.key");                     // [T, D]
            var v = Dense(x[b], p, "attention.value");
            var perHead = new List<Tensor>();
            int hw = width / heads;
            for (int h = 0; h < heads; h++)
            {
                var cols = arange(h * hw, (h + 1) * hw);
                var scores = q.index_select(1, cols).matmul(k.index_select(1, cols).t()) / Math.Sqrt(hw); // [1, T]
                var weights = scores.exp() / scores.exp().sum();
                perHead.Add(weights.matmul(v.index_select(1, cols)));   // [1, hw]
            }
            var attended = Dense(cat(perHead, 1), p, "attention.output");  // [1, D], no residual
            var mean = attended.mean([1], keepdim: true);
            var variance = (attended - mean).pow(2).mean([1], keepdim: true);
            var normed = (attended - mean) / (variance + 1e-6).sqrt() * p["norm.weight"] + p["norm.bias"];
            var hidden = Dense(normed, p, "mlp.expand");
            var gelu = 0.5 * hidden * (1 + (Math.Sqrt(2 / Math.PI) * (hidden + 0.044715 * hidden.pow(3))).tanh()); // tanh approximation
            expected[b] = (attended + Dense(gelu, p, "mlp.contract")).squeeze(0);
        }

        using var actual = head.forward(x);
        Assert.Equal(new long[] { batch, width }, actual.shape);
        Assert.True(allclose(actual, expected, rtol: 1e-9, atol: 1e-10), $"max difference {(actual - expected).abs().max().item<double>()}");
    }

    private static Tensor Dense(Tensor x, Dictionary<string, TorchSharp.Modules.Parameter> p, string name) =>
        x.matmul(p[name + ".weight"].t()) + p[name + ".bias"];
}
