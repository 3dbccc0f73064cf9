using ViTDsl.Runtime.Models;
using static TorchSharp.torch;

namespace ViTDsl.Runtime.Weights;

/// <summary>
/// Weight files against a declared shape: whether a file fits it (and if not, the first tensor that does not, with
/// expected and found), loading a file into a model (all or nothing), and exporting a model.
/// </summary>
internal static class ForeignWeights
{
    /// <summary>The file's tensors as the convention names them (big_vision's tree normalised: <see cref="BigVisionTree"/>).</summary>
    public static IReadOnlyDictionary<string, Tensor> Named(WeightSet file, WeightNames names) =>
        names == WeightNames.BigVision ? BigVisionTree.Parameters(file) : file.Tensors;

    /// <summary>Null when <paramref name="file"/> holds exactly the tensors of <paramref name="shape"/> under <paramref name="names"/>; else one line saying why not.</summary>
    public static string? Mismatch(WeightSet file, Vit shape, WeightNames names) =>
        Mismatch(file.Path, Named(file, names).ToDictionary(t => t.Key, t => (t.Value.shape, t.Value.dtype)), shape, names);

    /// <summary>The same check on the names, shapes and types alone (a safetensors header).</summary>
    public static string? Mismatch(string path, IReadOnlyDictionary<string, (long[] Shape, ScalarType Dtype)> found, Vit shape, WeightNames names)
    {
        var expected = WeightConventions.Expected(shape, names);
        var convention = WeightNamesVocabulary.NameOf(names);
        // Fewer than half the names present: the file uses another convention (norm and head are named alike in several).
        int present = expected.Count(e => found.ContainsKey(e.Name));
        if (present * 2 < expected.Count)
            return $"{path} holds only {present} of the {expected.Count} tensors a {shape.Variant} model has with {convention} names " +
                   $"(it has e.g. '{found.Keys.FirstOrDefault(k => !expected.Any(e => e.Name == k)) ?? "nothing"}'): pass the --names it was written with (vitdsl, timm or big_vision).";
        foreach (var (name, dims) in expected)
        {
            if (!found.TryGetValue(name, out var tensor))
                return $"{path} has no tensor '{name}'; a {shape.Variant} model with {convention} names needs it as {WeightSet.Describe(dims)}.";
            if (!tensor.Shape.SequenceEqual(dims))
                return $"{path}: tensor '{name}' is {WeightSet.Describe(tensor.Shape)} but a {shape.Variant} model needs {WeightSet.Describe(dims)}.";
            if (!WeightDtype.Of(tensor.Dtype).IsFloatingPoint)
                return $"{path}: tensor '{name}' holds {tensor.Dtype} numbers; weights must be floating point (F64, F32, F16 or BF16).";
        }
        var known = expected.Select(e => e.Name).ToHashSet();
        if (found.Keys.FirstOrDefault(k => !known.Contains(k)) is { } extra)
            return $"{path} has tensor '{extra}' {WeightSet.Describe(found[extra].Shape)}, which a {shape.Variant} model with {convention} names does not have" +
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

    /// <summary>
    /// Every parameter of <paramref name="model"/> from the file at <paramref name="path"/>, converted to the model's type;
    /// nothing is copied unless every tensor fits. A safetensors file with timm or ViTDsl names is read one tensor at a
    /// time (its header is checked first), so loading holds no second copy of the model.
    /// </summary>
    public static void Load(VitModule model, string path, WeightNames names)
    {
        if (WeightFiles.FormatOf(path) != WeightFormat.SafeTensors || names == WeightNames.BigVision)
        {
            using var file = WeightFiles.Read(path); // big_vision's tree is normalised as a whole (prefixes, scanned blocks)
            Load(model, file, names);
            return;
        }
        SafeTensorsFile.ReadEach(path, (entries, read) =>
        {
            var found = entries.ToDictionary(e => e.Name, e => (e.Shape, e.Dtype.Torch));
            if (Mismatch(path, found, model.Shape, names) is { } problem) throw new InvalidDataException(problem);
            var parameters = model.named_parameters().ToDictionary(p => p.name, p => p.parameter);
            using var noGrad = no_grad();
            foreach (var link in WeightConventions.Links(model.Shape, names))
            {
                using var scope = NewDisposeScope();
                foreach (var (name, value) in link.Import(read(link.Foreign))) parameters[name].copy_(value);
            }
        });
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
