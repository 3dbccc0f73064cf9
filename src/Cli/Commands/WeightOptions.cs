using System.CommandLine;

namespace ViTDsl.Cli;

/// <summary>The <c>--names</c> option of the weight commands: which naming convention a weight file uses.</summary>
internal static class WeightOptions
{
    public static Option<string> Names(string fallback)
    {
        var names = new Option<string>("--names")
        {
            Description = $"Tensor names and layouts: {string.Join(", ", WeightNamesVocabulary.ByName.Keys)} (timm's VisionTransformer state dict; big_vision's parameter tree).",
            DefaultValueFactory = _ => fallback,
        };
        names.Validators.Add(r =>
        {
            if (!WeightNamesVocabulary.ByName.ContainsKey(r.GetValueOrDefault<string>()!))
                r.AddError($"--names takes {string.Join(", ", WeightNamesVocabulary.ByName.Keys)}.");
        });
        return names;
    }

    public static WeightNames Parse(string name) => WeightNamesVocabulary.ByName[name];
}
