using ViTDsl.Runtime.Weights;
using ViTDsl.Tests.Store;
using static TorchSharp.torch;

namespace ViTDsl.Tests.Weights;

/// <summary>Export then import gives back every parameter bit for bit, and the same logits, in every convention.</summary>
public sealed class RoundTripTests : IDisposable
{
    private readonly TempFolder dir = new();

    public void Dispose() => dir.Dispose();

    public static TheoryData<string, WeightNames> Cases()
    {
        var cases = new TheoryData<string, WeightNames>();
        foreach (var pool in new[] { "Map", "Gap", "Token" })
        foreach (var names in Enum.GetValues<WeightNames>())
            cases.Add(pool, names);
        return cases;
    }

    [Theory, MemberData(nameof(Cases))]
    public void Export_then_import_gives_bit_identical_parameters_and_logits(string pool, WeightNames names)
    {
        var experiment = PoolShapes.Smallest(pool);
        using var original = experiment.CreateModel(null);
        TorchOracle.Randomize(original);
        var path = dir.File("model.safetensors");
        ForeignWeights.Export(original, names, path);

        using var restored = experiment.CreateModel(null);
        ForeignWeights.Load(restored, path, names);

        var before = original.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        foreach (var (name, after) in restored.named_parameters())
        {
            // big_vision's class token carries ViTDsl's class token plus its position row, and its position embedding has
            // no class row: those two come back as (cls + row, 0), which starts the first token from the same sum.
            if (names == WeightNames.BigVision && pool == "Token" && name is "cls" or "position") continue;
            Assert.True(Same(before[name], after), $"{name} changed in the round trip through {names} names");
        }
        if (names == WeightNames.BigVision && pool == "Token")
        {
            using var sum = before["cls"].add(before["position"].narrow(1, 0, 1));
            var after = restored.named_parameters().ToDictionary(p => p.name, p => p.parameter);
            Assert.True(Same(after["cls"], sum));
            Assert.Equal(0f, after["position"].narrow(1, 0, 1).abs().max().item<float>());
            Assert.True(Same(after["position"].narrow(1, 1, after["position"].shape[1] - 1), before["position"].narrow(1, 1, before["position"].shape[1] - 1)));
        }
        var m = experiment.Declaration.Model;
        using var images = randn(4, m.Channels, m.Image, m.Image);
        using var expected = original.forward(images);
        using var actual = restored.forward(images);
        Assert.True(Same(expected, actual), $"logits differ after the round trip through {names} names");
    }

    private static bool Same(Tensor a, Tensor b) => a.shape.SequenceEqual(b.shape) && a.eq(b).all().item<bool>();

    [Fact]
    public void Timm_names_of_a_ViT_B16_with_a_MAP_head_are_the_state_dict_keys_timm_publishes()
    {
        var names = WeightConventions.Expected(Vit.B(16), WeightNames.Timm).ToDictionary(e => e.Name, e => e.Shape);
        // timm vit_base_patch16_siglip_224-style (global_pool='map', class_token=False): hand-copied key names and shapes.
        Assert.Equal([768L, 3, 16, 16], names["patch_embed.proj.weight"]);
        Assert.Equal([1L, 196, 768], names["pos_embed"]);
        Assert.Equal([2304L, 768], names["blocks.11.attn.qkv.weight"]);
        Assert.Equal([2304L], names["blocks.0.attn.qkv.bias"]);
        Assert.Equal([768L, 768], names["blocks.0.attn.proj.weight"]);
        Assert.Equal([3072L, 768], names["blocks.0.mlp.fc1.weight"]);
        Assert.Equal([768L, 3072], names["blocks.0.mlp.fc2.weight"]);
        Assert.Equal([768L], names["blocks.0.norm2.bias"]);
        Assert.Equal([1L, 1, 768], names["attn_pool.latent"]);
        Assert.Equal([768L, 768], names["attn_pool.q.weight"]);
        Assert.Equal([1536L, 768], names["attn_pool.kv.weight"]);
        Assert.Equal([768L, 768], names["attn_pool.proj.weight"]);
        Assert.Equal([768L], names["attn_pool.norm.weight"]);
        Assert.Equal([3072L, 768], names["attn_pool.mlp.fc1.weight"]);
        Assert.Equal([768L], names["norm.weight"]);
        Assert.Equal([1000L, 768], names["head.weight"]);
        // 12 per block; stem 2, pos_embed 1, norm 2; attn_pool: latent 1, q 2, kv 2, proj 2, norm 2, mlp 4; head 2
        Assert.Equal(12 * 12 + 2 + 1 + 2 + 13 + 2, names.Count);
    }

    [Fact]
    public void Big_vision_names_of_a_ViT_B16_with_a_class_token_have_big_vision_shapes()
    {
        var names = WeightConventions.Expected(Vit.B(16) with { Pool = new Pool.Token() }, WeightNames.BigVision).ToDictionary(e => e.Name, e => e.Shape);
        Assert.Equal([16L, 16, 3, 768], names["embedding/kernel"]);
        Assert.Equal([1L, 196, 768], names["pos_embedding"]); // no class-token row
        Assert.Equal([1L, 1, 768], names["cls"]);
        Assert.Equal([768L, 12, 64], names["Transformer/encoderblock_3/MultiHeadDotProductAttention_0/query/kernel"]);
        Assert.Equal([12L, 64], names["Transformer/encoderblock_3/MultiHeadDotProductAttention_0/value/bias"]);
        Assert.Equal([12L, 64, 768], names["Transformer/encoderblock_0/MultiHeadDotProductAttention_0/out/kernel"]);
        Assert.Equal([768L], names["Transformer/encoderblock_0/LayerNorm_1/scale"]);
        Assert.Equal([768L, 3072], names["Transformer/encoderblock_0/MlpBlock_0/Dense_0/kernel"]);
        Assert.Equal([768L], names["Transformer/encoder_norm/bias"]);
        Assert.Equal([768L, 1000], names["head/kernel"]);
    }
}
