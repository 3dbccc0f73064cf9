namespace ViTDsl.Runtime.Weights;

/// <summary>
/// big_vision's ViT parameter tree (big_vision/models/vit.py), its paths joined with '/' as its npz checkpoints store
/// them: <c>embedding</c> (p, p, C, D), <c>pos_embedding</c> (1, N, D) without a class-token row, <c>cls</c>,
/// <c>Transformer/encoderblock_N/{LayerNorm_0, MultiHeadDotProductAttention_0/{query,key,value,out}, LayerNorm_1,
/// MlpBlock_0/Dense_0|1}</c>, <c>Transformer/encoder_norm</c>, <c>MAPHead_0/{probe, MultiHeadDotProductAttention_0,
/// LayerNorm_0, MlpBlock_0}</c>, <c>pre_logits</c>, <c>head</c>; LayerNorms hold <c>scale</c>/<c>bias</c>, dense layers
/// <c>kernel</c>/<c>bias</c>. Shapes follow <see cref="ParameterShapes"/>' big_vision layouts (the ones Adafactor uses).
/// </summary>
internal static class BigVisionNames
{
    public static IReadOnlyList<WeightLink> Links(Vit shape)
    {
        bool classToken = shape.Pool.HasClassToken;
        return ParameterShapes.Of(shape).Select(p => p.Name switch
        {
            "position" => new WeightLink.PatchPositions("pos_embedding", p.Name, classToken),
            "cls" => new WeightLink.ClassToken("cls", p.Name, "position"),
            _ when p.Layout.IsIdentity && p.Layout.View.SequenceEqual(p.Dims) => new WeightLink.Renamed(NameOf(p.Name), p.Name),
            _ => (WeightLink)new WeightLink.Relaid(NameOf(p.Name), p.Name, p.Layout, p.Dims),
        }).ToList();
    }

    /// <summary>big_vision's path of a ViTDsl parameter.</summary>
    public static string NameOf(string name)
    {
        var parts = name.Split('.');
        var (modules, leaf) = (parts[..^1], parts[^1]);
        var path = modules switch
        {
            ["stem", "projection"] => "embedding",
            ["blocks", var i, .. var rest] => $"Transformer/encoderblock_{i}/" + Sub(rest),
            ["norm"] => "Transformer/encoder_norm",
            ["pool"] => "MAPHead_0",
            ["pool", .. var rest] => "MAPHead_0/" + Sub(rest),
            ["preLogits"] => "pre_logits",
            ["head"] => "head",
            _ => throw new ArgumentException($"ViTDsl parameter '{name}' has no big_vision name"),
        };
        bool norm = modules[^1].StartsWith("norm");
        return path + "/" + leaf switch { "weight" => norm ? "scale" : "kernel", _ => leaf };
    }

    private static string Sub(string[] modules) => modules switch
    {
        ["norm1"] or ["norm"] => "LayerNorm_0",
        ["norm2"] => "LayerNorm_1",
        ["attention", var p] => "MultiHeadDotProductAttention_0/" + (p == "output" ? "out" : p),
        ["mlp", var d] => "MlpBlock_0/" + (d == "expand" ? "Dense_0" : "Dense_1"),
        _ => throw new ArgumentException($"no big_vision name for module {string.Join('.', modules)}"),
    };
}
