using ViTDsl.Experiments.Fashion;
using ViTDsl.Runtime.Models;
using ViTDsl.Runtime.Optim;
using static TorchSharp.torch;

namespace ViTDsl.Tests.Bf16;

// bf16 mixed precision (big_vision's dtype_mm): products in bfloat16, master weights, gradients and optimizer state
// in float32. The oracle for the bf16 model is the same model, with the same weights, in fp32.
public class MixedPrecisionTests
{
    // The Quickstart ViT (width 96, 4 blocks, MAP head) with a random classifier kernel: the declared one starts at
    // zero, which would make every logit equal to the bias whatever the precision.
    private static (VitModule Fp32, VitModule Bf16) Twins()
    {
        manual_seed(11);
        var entry = FashionMnist.QuickstartPlan.Entry;
        var fp32 = entry.CreateModel(null);
        var bf16 = (entry with { Declaration = entry.Declaration with { Precision = Precision.Bf16 } }).CreateModel(null);
        using (no_grad())
        {
            foreach (var (name, p) in fp32.named_parameters().Where(p => p.name == "head.weight")) nn.init.normal_(p, std: 0.1);
            bf16.load_state_dict(fp32.state_dict());
        }
        return (fp32, bf16);
    }

    private static double RelativeError(Tensor actual, Tensor expected) =>
        (actual - expected).abs().max().item<float>() / expected.abs().max().item<float>();

    [Fact]
    public void A_bf16_forward_pass_agrees_with_the_fp32_one_to_bf16_tolerance()
    {
        var (fp32, bf16) = Twins();
        using var _ = no_grad();
        manual_seed(12);
        using var images = randn(8, 1, 28, 28);
        using var expectedFeatures = fp32.Features(images);
        using var actualFeatures = bf16.Features(images);
        using var expectedLogits = fp32.forward(images);
        using var actualLogits = bf16.forward(images);

        Assert.Equal(Precision.Bf16, bf16.Precision);
        Assert.Equal(ScalarType.Float32, actualFeatures.dtype);
        Assert.Equal(ScalarType.Float32, actualLogits.dtype);
        // bfloat16 keeps 8 significant bits (relative rounding 2⁻⁹ ≈ 0.2%); through four blocks and the MAP head the
        // products' roundings add up to a few of those, never to the 5% a wrong cast or a float16 overflow would give.
        // A zero difference would mean the products never ran in bf16.
        foreach (var (actual, expected, what) in new[] { (actualFeatures, expectedFeatures, "features"), (actualLogits, expectedLogits, "logits") })
        {
            var error = RelativeError(actual, expected);
            Assert.True(error is > 1e-4 and < 0.05, $"{what}: relative error {error:E2}");
        }
        fp32.Dispose();
        bf16.Dispose();
    }

    [Fact]
    public void Under_bf16_parameters_gradients_and_optimizer_state_stay_float32()
    {
        var (fp32, bf16) = Twins();
        // Adam keeps both moments in float32 when told to (FirstMoment F32): the model's precision must not change that.
        var experiment = FashionMnist.Quickstart with { Precision = Precision.Bf16, Optimizer = new Optimizer.Adam() };
        using var chain = OptimizerChain.For(experiment, bf16);
        manual_seed(13);
        using var images = randn(16, 1, 28, 28);
        using var labels = randint(0, 10, 16, dtype: int64);

        Tensor Gradients(VitModule model)
        {
            model.zero_grad();
            using var loss = nn.functional.cross_entropy(model.forward(images), labels);
            loss.backward();
            return cat(model.parameters().Select(p => p.grad!.flatten()).ToArray());
        }

        using var expected = Gradients(fp32);
        using var actual = Gradients(bf16);
        Assert.All(bf16.parameters(), p => Assert.Equal(ScalarType.Float32, p.grad!.dtype));
        // The gradients the optimizer applies are the fp32 model's, to bf16 accuracy (same direction, same size).
        var cosine = (actual * expected).sum().item<float>() / (actual.norm().item<float>() * expected.norm().item<float>());
        Assert.True(cosine > 0.99, $"cosine of bf16 and fp32 gradients {cosine:F4}");

        var before = bf16.parameters().Select(p => p.detach().clone()).ToList();
        chain.Step(schedule: 1.0);
        Assert.All(bf16.parameters(), p => Assert.Equal(ScalarType.Float32, p.dtype));
        Assert.Contains(bf16.parameters().Zip(before), pair => (pair.First - pair.Second).abs().max().item<float>() > 0);
        var state = chain.StateDict().Where(s => s.Key != "step").ToList(); // "step" is the int64 counter
        Assert.NotEmpty(state);
        Assert.All(state, s => Assert.Equal(ScalarType.Float32, s.Value.dtype));
        fp32.Dispose();
        bf16.Dispose();
    }
}
