namespace ViTDsl.Runtime.Weights;

/// <summary>
/// timm's <c>VisionTransformer</c> state dict (timm/models/vision_transformer.py, timm/layers/attention_pool.py):
/// <c>patch_embed.proj</c>, <c>cls_token</c>, <c>pos_embed</c> (with the class token's row, as ViTDsl's), blocks with a
/// fused <c>attn.qkv</c> ([q; k; v] rows) and <c>attn.proj</c>, <c>mlp.fc1/fc2</c>, <c>norm</c>, the MAP head as
/// <c>AttentionPoolLatent</c> (<c>attn_pool.latent</c>, <c>q</c>, fused <c>kv</c>, <c>proj</c>, <c>norm</c>, <c>mlp</c>),
/// <c>head</c>. torch layouts on both sides, so only names and the fusions change. GAP is timm's
/// <c>global_pool='avg', fc_norm=False</c> (LayerNorm before pooling, as big_vision); pre-logits are timm's older
/// <c>pre_logits.fc</c>.
/// </summary>
internal static class TimmNames
{
    public static IReadOnlyList<WeightLink> Links(Vit shape)
    {
        var links = new List<WeightLink>();
        foreach (var parameter in ParameterShapes.Of(shape))
        {
            var name = parameter.Name;
            var (module, leaf) = Split(name);
            if (module.EndsWith(".attention.query") && module.StartsWith("blocks."))
            {
                var block = module[..^".attention.query".Length];
                links.Add(new WeightLink.Stacked($"{block}.attn.qkv.{leaf}", [name, $"{block}.attention.key.{leaf}", $"{block}.attention.value.{leaf}"]));
            }
            else if (module == "pool.attention.query") links.Add(new WeightLink.Renamed($"attn_pool.q.{leaf}", name));
            else if (module == "pool.attention.key") links.Add(new WeightLink.Stacked($"attn_pool.kv.{leaf}", [name, $"pool.attention.value.{leaf}"]));
            else if (!module.EndsWith(".attention.key") && !module.EndsWith(".attention.value")) links.Add(new WeightLink.Renamed(NameOf(name), name));
        }
        return links;
    }

    /// <summary>timm's name of a ViTDsl parameter that timm holds alone (everything but q/k/v).</summary>
    private static string NameOf(string name) => name switch
    {
        "cls" => "cls_token",
        "position" => "pos_embed",
        "pool.probe" => "attn_pool.latent",
        _ when name.StartsWith("stem.projection.") => "patch_embed.proj." + name["stem.projection.".Length..],
        _ when name.StartsWith("preLogits.") => "pre_logits.fc." + name["preLogits.".Length..],
        _ when name.StartsWith("pool.attention.output.") => "attn_pool.proj." + name["pool.attention.output.".Length..],
        _ when name.StartsWith("pool.") => "attn_pool." + Mlp(name["pool.".Length..]),
        _ when name.StartsWith("blocks.") => Mlp(name.Replace(".attention.output.", ".attn.proj.")),
        _ => name, // norm, head
    };

    private static string Mlp(string name) => name.Replace("mlp.expand.", "mlp.fc1.").Replace("mlp.contract.", "mlp.fc2.");

    private static (string Module, string Leaf) Split(string name)
    {
        int dot = name.LastIndexOf('.');
        return dot < 0 ? (name, "") : (name[..dot], name[(dot + 1)..]);
    }
}
