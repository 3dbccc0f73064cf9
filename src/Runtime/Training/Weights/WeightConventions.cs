using static TorchSharp.torch;

namespace ViTDsl.Runtime.Weights;

/// <summary>
/// The tensors a model of a given <see cref="Vit"/> shape has under each naming convention, with their shapes, and the
/// conversions between ViTDsl's parameters and them (<see cref="WeightLink"/>).
/// </summary>
internal static class WeightConventions
{
    public static IReadOnlyList<WeightLink> Links(Vit shape, WeightNames names) => names switch
    {
        WeightNames.Timm => TimmNames.Links(shape),
        WeightNames.BigVision => BigVisionNames.Links(shape),
        _ => ParameterShapes.Of(shape).Select(p => (WeightLink)new WeightLink.Renamed(p.Name, p.Name)).ToList(),
    };

    /// <summary>
    /// Every tensor a file in this convention holds for <paramref name="shape"/>, with its shape, in the convention's
    /// order: the export itself, run on shape-only (meta) tensors, so the shapes cannot disagree with the conversion.
    /// </summary>
    public static IReadOnlyList<(string Name, long[] Shape)> Expected(Vit shape, WeightNames names)
    {
        using var scope = NewDisposeScope();
        var meta = device("meta");
        var native = ParameterShapes.Of(shape).ToDictionary(p => p.Name, p => empty([.. p.Dims], device: meta));
        return Links(shape, names).Select(l => (l.Foreign, l.Export(n => native[n]).shape)).ToList();
    }

    /// <summary>ViTDsl's parameters → the convention's tensors (views or new tensors; the caller's scope owns them).</summary>
    public static List<KeyValuePair<string, Tensor>> Export(Vit shape, WeightNames names, IReadOnlyDictionary<string, Tensor> native) =>
        Links(shape, names).Select(l => KeyValuePair.Create(l.Foreign, l.Export(n => native[n]))).ToList();

    /// <summary>The convention's tensors (all present, shapes checked) → ViTDsl's parameters by name.</summary>
    public static Dictionary<string, Tensor> Import(Vit shape, WeightNames names, IReadOnlyDictionary<string, Tensor> foreign) =>
        Links(shape, names).SelectMany(l => l.Import(foreign[l.Foreign])).ToDictionary(p => p.Key, p => p.Value);
}
