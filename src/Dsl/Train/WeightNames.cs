using System.Collections.Generic;
using System.Linq;

namespace ViTDsl;

/// <summary>
/// How the tensors of a weight file are named and laid out: ViTDsl's own parameter names (<c>named_parameters()</c>),
/// timm's <c>VisionTransformer</c> state dict, or big_vision's parameter tree (paths joined with '/', its own shapes).
/// </summary>
public enum WeightNames
{
    ViTDsl,
    Timm,
    BigVision,
}

/// <summary>The one table of the names <see cref="WeightNames"/> goes by on the command line and in files.</summary>
public static class WeightNamesVocabulary
{
    public static readonly IReadOnlyDictionary<string, WeightNames> ByName = new Dictionary<string, WeightNames>
    {
        ["vitdsl"] = WeightNames.ViTDsl,
        ["timm"] = WeightNames.Timm,
        ["big_vision"] = WeightNames.BigVision,
    };

    public static string NameOf(WeightNames names) => ByName.First(p => p.Value == names).Key;
}
