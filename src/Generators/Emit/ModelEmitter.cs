using System.Globalization;
using System.Text;

namespace ViTDsl.Generators.Emit;

/// <summary>
/// Emits a typed TorchSharp module for one declared ViT: a class named after its shape that derives from the runtime's
/// one composition (<c>ViTDsl.Runtime.Models.AssembledVit</c>) with the shape as literals — its sizes as constants and the
/// evaluated <see cref="Vit"/> — so a generated model and one built at run time for the same shape are the same module:
/// the same layers, parameter names (stem, position, cls, blocks, norm, pool, preLogits, head) and forward pass.
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
    public sealed class {{name}} : global::ViTDsl.Runtime.Models.AssembledVit
    {
        public const int Patch = {{I(m.Patch)}}, Width = {{I(m.Width)}}, Depth = {{I(m.Depth)}}, Mlp = {{I(m.Mlp)}}, Heads = {{I(m.Heads)}};
        public const int Image = {{I(m.Image)}}, Channels = {{I(m.Channels)}}, Classes = {{I(m.Classifier.Classes)}}, Tokens = {{I(m.Tokens)}}, RepresentationWidth = {{I(m.RepresentationWidth)}};

        /// <summary>The shape this module was generated from.</summary>
        public static global::ViTDsl.Vit Declared { get; } =
            {{Layout.Indent(SourceText.Pretty(m), 12)}};

        /// <param name="device">Where to allocate the weights; <c>torch.device("meta")</c> builds the module without memory.</param>
        /// <param name="precision">The number type of its products and residual stream; weights are float32 either way.
        /// A plan's <c>CreateModel</c> passes the declared precision.</param>
        public {{name}}(global::TorchSharp.torch.Device? device = null, global::ViTDsl.Precision precision = global::ViTDsl.Precision.Fp32)
            : base("{{name}}", Declared, device, precision)
        {
        }
    }

""");
    }

    private static string Escape(string text) => text.Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;");
}
