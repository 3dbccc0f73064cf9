using TorchSharp;
using ViTDsl.Runtime.Layers;
using static TorchSharp.torch;

namespace ViTDsl.Tests.Layers;

// big_vision's initialisers (models/vit.py with flax/jax conventions; docs/reference.md §2), checked on the measured
// statistics of large draws. Oracles are derived by hand: a sample std of n draws has a relative standard error of
// about 1/√(2n), so the tolerances below are more than ten standard errors wide and a wrong scale (torch's defaults
// are 0.58× and 0.71× of these) is far outside them.
public class InitialiserTests
{
    [Fact]
    public void Patch_embedding_kernel_is_lecun_normal_truncated_at_two_sigma_and_its_bias_is_zero()
    {
        const int channels = 3, width = 768, patch = 16; // B/16's stem: fan_in 768, 590k weights
        manual_seed(1);
        using var conv = Init.PatchConvolution(channels, width, patch, null);
        var w = conv.weight!.flatten();
        double expectedStd = 1 / Math.Sqrt(patch * patch * channels);
        Assert.Equal(expectedStd, w.std().item<float>(), expectedStd * 0.01);
        Assert.Equal(0, w.mean().item<float>(), expectedStd * 0.01);
        // Truncation: nothing beyond 2σ′ = 2·std/0.8796, and the tails up to it are populated.
        double bound = 2 * expectedStd / Init.TruncatedNormalStd;
        double largest = w.abs().max().item<float>();
        Assert.InRange(largest, 0.97 * bound, bound * (1 + 1e-6));
        Assert.Equal(0, conv.bias!.abs().max().item<float>());
    }

    [Fact]
    public void Map_probe_is_xavier_uniform_with_jax_fans_of_a_1x1xD_tensor()
    {
        const int width = 16_384;
        manual_seed(2);
        using var probe = Init.MapProbe(width, null);
        Assert.Equal([1L, 1, width], probe.shape);
        double bound = Math.Sqrt(6.0 / (1 + width)); // jax: fan_in 1, fan_out D
        Assert.Equal(bound / Math.Sqrt(3), probe.std().item<float>(), bound / Math.Sqrt(3) * 0.03);
        Assert.InRange(probe.abs().max().item<float>(), 0.99 * bound, bound);
    }

    [Fact]
    public void Mlp_biases_are_normal_with_std_1e_6_and_kernels_xavier_uniform()
    {
        const int width = 1024, mlp = 4096;
        manual_seed(3);
        using var block = new MlpBlock(new MlpPart(width, mlp));
        var p = block.named_parameters().ToDictionary(n => n.name, n => n.parameter);
        Assert.Equal(1e-6, p["expand.bias"].std().item<float>(), 1e-6 * 0.06);   // 4096 draws
        Assert.Equal(1e-6, p["contract.bias"].std().item<float>(), 1e-6 * 0.15); // 1024 draws
        double xavier = Math.Sqrt(2.0 / (width + mlp));
        Assert.Equal(xavier, p["expand.weight"].std().item<float>(), xavier * 0.01);
        Assert.Equal(xavier, p["contract.weight"].std().item<float>(), xavier * 0.01);
    }

    [Fact]
    public void Attention_kernels_are_xavier_uniform_over_the_flattened_matrix_with_zero_biases()
    {
        const int width = 1024, heads = 16;
        manual_seed(4);
        using var attention = new Attention(new AttentionPart(width, heads));
        double xavier = Math.Sqrt(2.0 / (width + width)); // flax's DenseGeneral initialises the (D, h·D/h) matrix
        foreach (var (name, parameter) in attention.named_parameters())
            if (name.EndsWith("weight")) Assert.Equal(xavier, parameter.std().item<float>(), xavier * 0.01);
            else Assert.Equal(0, parameter.abs().max().item<float>());
    }
}
