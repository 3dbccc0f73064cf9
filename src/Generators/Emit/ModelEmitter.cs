using System.Globalization;
using System.Text;

namespace ViTDsl.Generators.Emit;

/// <summary>
/// Emits a typed TorchSharp module for one declared ViT: its layers with literal sizes, built from the reusable
/// layers in ViTDsl.Runtime, and a forward pass written out for its pooling head. Field names are the stable
/// parameter names (stem, position, cls, blocks, norm, pool, preLogits, head) that checkpoints and weight-decay
/// groups rely on.
/// </summary>
internal static class ModelEmitter
{
    public static void Emit(StringBuilder code, string name, Vit m)
    {
        string I(long v) => v.ToString(CultureInfo.InvariantCulture);
        var pool = m.Pool switch { Pool.Token => "class token", Pool.Gap => "global average pooling", _ => "MAP head" };
        code.Append($$"""

    /// <summary>
    /// {{Escape(m.Variant)}} ViT: {{I(m.Depth)}} blocks of width {{I(m.Width)}}
    /// (MLP {{I(m.Mlp)}}, {{I(m.Heads)}} heads) over {{I(m.Tokens)}} tokens of {{I(m.Image)}}×{{I(m.Image)}}×{{I(m.Channels)}} images, {{pool}}, {{I(m.Classifier.Classes)}} classes.
    /// </summary>
    public sealed class {{name}} : global::ViTDsl.Runtime.Models.VitModule
    {
        private readonly global::ViTDsl.Runtime.Layers.PatchEmbedding stem;
        private readonly global::TorchSharp.Modules.Parameter position;

""");
        if (m.Pool is Pool.Token) code.AppendLine("        private readonly global::TorchSharp.Modules.Parameter cls;");
        code.AppendLine("        private readonly global::TorchSharp.Modules.ModuleList<global::ViTDsl.Runtime.Layers.EncoderBlock> blocks;");
        code.AppendLine("        private readonly global::TorchSharp.Modules.LayerNorm norm;");
        if (m.Pool is Pool.Map) code.AppendLine("        private readonly global::ViTDsl.Runtime.Layers.MapHead pool;");
        if (m.PreLogits is not null) code.AppendLine("        private readonly global::TorchSharp.Modules.Linear preLogits;");
        code.Append($$"""
        private readonly global::TorchSharp.Modules.Linear head;

        /// <param name="device">Where to allocate the weights; <c>torch.device("meta")</c> builds the module without memory.</param>
        /// <param name="precision">The number type of its matrix products; weights are float32 either way.</param>
        public {{name}}(global::TorchSharp.torch.Device? device = null, global::ViTDsl.Precision precision = global::ViTDsl.Precision.Fp32) : base("{{name}}", precision)
        {
            stem = new global::ViTDsl.Runtime.Layers.PatchEmbedding(channels: {{I(m.Channels)}}, width: {{I(m.Width)}}, patch: {{I(m.Patch)}}, device, precision);
            position = global::ViTDsl.Runtime.Layers.Init.PositionEmbedding(tokens: {{I(m.Tokens)}}, width: {{I(m.Width)}}, device);

""");
        if (m.Pool is Pool.Token) code.AppendLine($"            cls = global::ViTDsl.Runtime.Layers.Init.ClassToken(width: {I(m.Width)}, device);");
        code.AppendLine($"            var encoder = new global::ViTDsl.Runtime.Layers.EncoderBlock[{I(m.Depth)}];");
        code.AppendLine($"            for (int i = 0; i < encoder.Length; i++) encoder[i] = new global::ViTDsl.Runtime.Layers.EncoderBlock(width: {I(m.Width)}, mlpWidth: {I(m.Mlp)}, heads: {I(m.Heads)}, device, precision);");
        code.AppendLine("            blocks = new global::TorchSharp.Modules.ModuleList<global::ViTDsl.Runtime.Layers.EncoderBlock>(encoder);");
        code.AppendLine($"            norm = global::ViTDsl.Runtime.Layers.Init.Norm({I(m.Width)}, device);");
        if (m.Pool is Pool.Map)
            code.AppendLine($"            pool = new global::ViTDsl.Runtime.Layers.MapHead(width: {I(m.Width)}, mlpWidth: {I(m.Mlp)}, heads: {I(m.Heads)}, device, precision);");
        if (m.PreLogits is int r)
            code.AppendLine($"            preLogits = global::ViTDsl.Runtime.Layers.Init.Dense({I(m.Width)}, {I(r)}, device);");
        code.Append($$"""
            head = global::ViTDsl.Runtime.Layers.Init.Classifier({{I(m.RepresentationWidth)}}, {{I(m.Classifier.Classes)}}, zeroKernel: {{(m.Classifier.ZeroKernel ? "true" : "false")}}, biasInit: {{SourceText.Print(m.Classifier.BiasInit)}}, device);
            RegisterComponents();
        }

        /// <summary>The shape this module was generated from.</summary>
        public static global::ViTDsl.Vit Declared { get; } =
            {{Layout.Indent(SourceText.Pretty(m), 12)}};

        /// <inheritdoc/>
        public override global::ViTDsl.Vit Shape => Declared;

        /// <summary>Images [batch, {{I(m.Channels)}}, {{I(m.Image)}}, {{I(m.Image)}}] → pooled representation [batch, {{I(m.Width)}}].</summary>
        public override global::TorchSharp.torch.Tensor Pooled(global::TorchSharp.torch.Tensor images)
        {
            using var scope = global::TorchSharp.torch.NewDisposeScope();

""");
        code.AppendLine(m.Pool is Pool.Token
            ? "            var patches = stem.forward(images);\n" +
              "            var x = global::TorchSharp.torch.cat(new[] { cls.expand(patches.shape[0], -1, -1), patches }, 1).add(position, global::ViTDsl.Runtime.Scalars.One);"
            : "            var x = stem.forward(images).add(position, global::ViTDsl.Runtime.Scalars.One);");
        // .add(…, One), not +: TorchSharp's + hands libtorch an alpha Scalar that nothing owns (see ViTDsl.Runtime.Scalars).
        code.AppendLine("            foreach (var block in blocks) x = global::ViTDsl.Runtime.Layers.Rematerialised.Forward(block, x, Rematerialisation);");
        code.AppendLine("            x = norm.forward(x);");
        code.AppendLine(m.Pool switch
        {
            Pool.Token => "            return x.select(1, 0).MoveToOuterDisposeScope();",
            Pool.Gap => "            return x.mean(new long[] { 1 }).MoveToOuterDisposeScope();",
            _ => "            return pool.forward(x).MoveToOuterDisposeScope();",
        });
        code.Append($$"""
        }

        /// <summary>Images → pre-logits features [batch, {{I(m.RepresentationWidth)}}]{{(m.PreLogits is null ? " (the pooled representation: no pre-logits layer)" : ": tanh(Dense(pooled))")}}.</summary>
        public override global::TorchSharp.torch.Tensor Features(global::TorchSharp.torch.Tensor images)
        {
{{(m.PreLogits is null
    ? "            return Pooled(images);"
    : "            using var pooled = Pooled(images);\n            using var dense = global::ViTDsl.Runtime.Layers.MatrixProducts.DenseToFloat32(preLogits, pooled, Precision);\n            return dense.tanh();")}}
        }

        /// <summary>Pre-logits features → logits [batch, {{I(m.Classifier.Classes)}}].</summary>
        public override global::TorchSharp.torch.Tensor Logits(global::TorchSharp.torch.Tensor features) =>
            global::ViTDsl.Runtime.Layers.MatrixProducts.DenseToFloat32(head, features, Precision);
    }

""");
    }

    private static string Escape(string text) => text.Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;");
}
