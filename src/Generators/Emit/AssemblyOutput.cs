using System.Collections.Generic;
using System.Collections.Immutable;
using System.Globalization;
using System.Linq;
using ViTDsl.Generators.Pipeline;

namespace ViTDsl.Generators.Emit;

/// <summary>A class's public declarations that evaluated cleanly, in declaration order: what its file emits.</summary>
internal sealed record ClassOutput(ClassOutline Outline, IReadOnlyList<DeclarationOutput> Declarations)
{
    public string FullName => (Outline.Namespace.Length > 0 ? Outline.Namespace + "." : "") + Outline.ClassName;
}

/// <summary>
/// Everything the assembly emits: per class, its public, valid declarations; and one model class per distinct
/// shape, named after it (<c>Vit_p4_w64_d4_m256_h4_Map</c>), shared by every plan and trial that uses it.
/// </summary>
internal sealed class AssemblyOutput(IReadOnlyList<ClassOutput> classes, IReadOnlyList<(Vit Shape, string Name)> models)
{
    public const string ModelsNamespace = "ViTDsl.Generated.Models";
    private readonly Dictionary<Vit, string> modelNames = models.ToDictionary(m => m.Shape, m => m.Name);

    public IReadOnlyList<ClassOutput> Classes { get; } = classes;
    public IReadOnlyList<(Vit Shape, string Name)> Models { get; } = models;

    /// <summary>The generated model class of a shape, fully qualified.</summary>
    public string ModelType(Vit shape) => $"global::{ModelsNamespace}.{modelNames[shape]}";

    public static AssemblyOutput Of(ImmutableArray<ClassOutline> outlines, ImmutableArray<DeclarationOutput> results)
    {
        var byKey = new Dictionary<DeclarationKey, DeclarationOutput>();
        foreach (var result in results) byKey[result.Key] = result;
        var classes = outlines.Select(outline => new ClassOutput(outline, outline.Declarations
            .Where(d => d.IsPublic)
            .Select(d => byKey.TryGetValue(new DeclarationKey(outline.Namespace, outline.ClassName, d.Name), out var r) ? r : null)
            .Where(r => r is { Succeeded: true })
            .Select(r => r!)
            .ToList())).ToList();

        var shapes = classes.SelectMany(c => c.Declarations).SelectMany(d => d.Experiments).Select(e => e.Shape).Distinct().ToList();
        var taken = new HashSet<string>();
        var models = shapes.Select(shape =>
        {
            var name = ShapeName(shape);
            if (taken.Contains(name)) name += "_" + Identifier(shape.Variant); // the same numbers under another variant name
            for (int n = 2; taken.Contains(name); n++) name = ShapeName(shape) + "_" + n.ToString(CultureInfo.InvariantCulture);
            taken.Add(name);
            return (shape, name);
        }).ToList();
        return new AssemblyOutput(classes, models);
    }

    private static string Identifier(string text) => new(text.Select(c => char.IsLetterOrDigit(c) ? c : '_').ToArray());

    /// <summary>
    /// Patch, width, depth, MLP, heads and pooling, then what differs from the defaults (image size, channels, classes,
    /// pre-logits). Shapes equal in all of these get their variant name appended, then _2, _3, … (head initialisation).
    /// </summary>
    private static string ShapeName(Vit m)
    {
        string I(int v) => v.ToString(CultureInfo.InvariantCulture);
        var defaults = new Vit(m.Patch, m.Width, m.Depth, m.Mlp, m.Heads);
        var name = $"Vit_p{I(m.Patch)}_w{I(m.Width)}_d{I(m.Depth)}_m{I(m.Mlp)}_h{I(m.Heads)}_{m.Pool.GetType().Name}";
        if (m.Image != defaults.Image) name += "_i" + I(m.Image);
        if (m.Channels != defaults.Channels) name += "_c" + I(m.Channels);
        if (m.Classifier.Classes != defaults.Classifier.Classes) name += "_k" + I(m.Classifier.Classes);
        if (m.PreLogits is int r) name += "_r" + I(r);
        return name;
    }
}
