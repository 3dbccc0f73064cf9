using ViTDsl.Runtime.Models;
using static TorchSharp.torch;

namespace ViTDsl.Runtime.Weights;

/// <summary>
/// Weight files against a declared shape: whether a file fits it (and if not, the first tensor that does not, with
/// expected and found), loading a file into a model (all or nothing), and exporting a model.
/// </summary>
public static class ForeignWeights
{
    /// <summary>The file's tensors as the convention names them (big_vision's tree normalised: <see cref="BigVisionTree"/>).</summary>
    public static IReadOnlyDictionary<string, Tensor> Named(WeightSet file, WeightNames names) =>
        names == WeightNames.BigVision ? BigVisionTree.Parameters(file) : file.Tensors;

    /// <summary>Null when <paramref name="file"/> holds exactly the tensors of <paramref name="shape"/> under <paramref name="names"/>; else one line saying why not.</summary>
    public static string? Mismatch(WeightSet file, Vit shape, WeightNames names)
    {
        var found = Named(file, names);
        var expected = WeightConventions.Expected(shape, names);
        var convention = WeightNamesVocabulary.NameOf(names);
        // Fewer than half the names present: the file uses another convention (norm and head are named alike in several).
        int present = expected.Count(e => found.ContainsKey(e.Name));
        if (present * 2 < expected.Count)
            return $"{file.Path} holds only {present} of the {expected.Count} tensors a {shape.Variant} model has with {convention} names " +
                   $"(it has e.g. '{found.Keys.FirstOrDefault(k => !expected.Any(e => e.Name == k)) ?? "nothing"}'): pass the --names it was written with (vitdsl, timm or big_vision).";
        foreach (var (name, dims) in expected)
        {
            if (!found.TryGetValue(name, out var tensor))
                return $"{file.Path} has no tensor '{name}'; a {shape.Variant} model with {convention} names needs it as {WeightSet.Describe(dims)}.";
            if (!tensor.shape.SequenceEqual(dims))
                return $"{file.Path}: tensor '{name}' is {WeightSet.Describe(tensor.shape)} but a {shape.Variant} model needs {WeightSet.Describe(dims)}.";
            if (!WeightDtype.Of(tensor.dtype).IsFloatingPoint)
                return $"{file.Path}: tensor '{name}' holds {tensor.dtype} numbers; weights must be floating point (F64, F32, F16 or BF16).";
        }
        var known = expected.Select(e => e.Name).ToHashSet();
        if (found.Keys.FirstOrDefault(k => !known.Contains(k)) is { } extra)
            return $"{file.Path} has tensor '{extra}' {WeightSet.Describe(found[extra].shape)}, which a {shape.Variant} model with {convention} names does not have" +
                   (extra.StartsWith("fc_norm.") ? " (timm's fc_norm normalises after pooling; ViTDsl's GAP normalises before, as timm with fc_norm=False)." : ".");
        return null;
    }

    /// <summary>ViTDsl's parameters from a file that fits <paramref name="shape"/>; the caller's dispose scope owns them.</summary>
    /// <exception cref="InvalidDataException">The file does not fit (the message names the tensor, expected and found).</exception>
    public static Dictionary<string, Tensor> Parameters(WeightSet file, Vit shape, WeightNames names)
    {
        if (Mismatch(file, shape, names) is { } problem) throw new InvalidDataException(problem);
        return WeightConventions.Import(shape, names, Named(file, names));
    }

    /// <summary>Every parameter of <paramref name="model"/> from <paramref name="file"/>, converted to the model's type; nothing is copied unless all fit.</summary>
    public static void Load(VitModule model, WeightSet file, WeightNames names)
    {
        using var scope = NewDisposeScope();
        var parameters = Parameters(file, model.Shape, names);
        using var noGrad = no_grad();
        foreach (var (name, parameter) in model.named_parameters()) parameter.copy_(parameters[name]);
    }

    /// <summary>
    /// Writes <paramref name="model"/>'s parameters with <paramref name="names"/>: as numpy's npz when the path ends in
    /// <c>.npz</c> (what big_vision loads), else as safetensors (with <paramref name="metadata"/>).
    /// </summary>
    public static void Export(VitModule model, WeightNames names, string path, IReadOnlyDictionary<string, string>? metadata = null)
    {
        using var scope = NewDisposeScope();
        var native = model.named_parameters().ToDictionary(p => p.name, p => (Tensor)p.parameter);
        var described = new Dictionary<string, string> { ["format"] = "pt", ["names"] = WeightNamesVocabulary.NameOf(names) };
        foreach (var (key, value) in metadata ?? new Dictionary<string, string>()) described[key] = value;
        var tensors = WeightConventions.Export(model.Shape, names, native);
        if (WeightFiles.FormatOf(path) == WeightFormat.Npz) NpzFile.Write(path, tensors);
        else SafeTensorsFile.Write(path, tensors, described);
    }
}
