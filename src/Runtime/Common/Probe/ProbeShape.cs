using System.Globalization;

namespace ViTDsl.Runtime.Probe;

/// <summary>
/// A model shape the shape study looks at: a Table 2 preset ("g/14") or a preset with changed dimensions
/// ("g/14:w1536:d48:m8192:h16" — width, depth, MLP, heads), at an image size.
/// </summary>
internal sealed record ProbeShape(string Name, Vit Model)
{
    /// <summary>
    /// The paper's Table 2 (docs/reference.md §1), then the width/depth/MLP variations around g/14 that its shape
    /// study weighs when choosing ViT-g and ViT-G (paper §3 and appendix: scale width, depth and MLP together).
    /// </summary>
    public static IReadOnlyList<string> DefaultNames { get; } =
    [
        "s/28", "s/16", "S/32", "Ti/16", "B/32", "S/16", "B/28", "B/16", "L/16", "g/14", "G/14",
        "g/14:w1280", "g/14:w1536", "g/14:d32", "g/14:d48", "g/14:m5120", "g/14:m8192",
    ];

    /// <summary>Parses one shape; an unknown preset or a malformed change names what is accepted.</summary>
    public static ProbeShape Parse(string text, int image)
    {
        var parts = text.Trim().Split(':', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length == 0) throw new ArgumentException("An empty shape; write a preset like \"g/14\", optionally with changes like \"g/14:w1536:d48\".");
        var model = Vit.Named(parts[0]) with { Image = image };
        foreach (var change in parts.Skip(1))
        {
            var value = 0;
            var valid = change.Length >= 2 && int.TryParse(change[1..], NumberStyles.None, CultureInfo.InvariantCulture, out value) && value >= 1;
            model = (valid ? change[0] : '?') switch
            {
                'w' => model with { Width = value },
                'd' => model with { Depth = value },
                'm' => model with { Mlp = value },
                'h' => model with { Heads = value },
                _ => throw new ArgumentException($"'{change}' in shape '{text}' is not a change; write w, d, m or h followed by a positive number (width, depth, MLP, heads), e.g. \"g/14:w1536\"."),
            };
        }
        var problems = ShapeRules.Check(model);
        if (problems.Count > 0) throw new ArgumentException($"Shape '{text}' is impossible: {problems[0].Message}");
        return new(text.Trim(), model);
    }
}
