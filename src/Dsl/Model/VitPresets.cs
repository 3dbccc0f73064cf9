using System;
using System.Collections.Generic;
using System.Linq;

namespace ViTDsl;

// The paper's Table 2 shapes and big_vision's `decode_variant` (docs/reference.md §1). Method names are the paper's
// names, case included: `s` (small, 6 layers) and `S` differ, as do `g` (giant) and `G` (Giant).
public sealed partial record Vit
{
    public static Vit Mu(int patch) => Shape("mu", patch, 32, 1, 128, 2);
    public static Vit s(int patch) => Shape("s", patch, 256, 6, 1024, 8);
    public static Vit Ti(int patch) => Shape("Ti", patch, 192, 12, 768, 3);
    public static Vit S(int patch) => Shape("S", patch, 384, 12, 1536, 6);
    public static Vit M(int patch) => Shape("M", patch, 512, 12, 2048, 8);
    public static Vit B(int patch) => Shape("B", patch, 768, 12, 3072, 12);
    public static Vit L(int patch) => Shape("L", patch, 1024, 24, 4096, 16);
    public static Vit So400m(int patch) => Shape("So400m", patch, 1152, 27, 4304, 16);
    public static Vit H(int patch) => Shape("H", patch, 1280, 32, 5120, 16);
    public static Vit g(int patch) => Shape("g", patch, 1408, 40, 6144, 16);
    public static Vit G(int patch) => Shape("G", patch, 1664, 48, 8192, 16);
    public static Vit e(int patch) => Shape("e", patch, 1792, 56, 15360, 16);

    private static readonly IReadOnlyDictionary<string, Func<int, Vit>> Presets = new Dictionary<string, Func<int, Vit>>
    {
        ["mu"] = Mu, ["s"] = s, ["Ti"] = Ti, ["S"] = S, ["M"] = M, ["B"] = B, ["L"] = L,
        ["So400m"] = So400m, ["H"] = H, ["g"] = g, ["G"] = G, ["e"] = e,
    };

    /// <summary>The names accepted by <see cref="Named"/>, smallest first.</summary>
    public static IReadOnlyList<string> PresetNames => Presets.Keys.ToList();

    /// <summary>A preset by its paper name, e.g. <c>Vit.Named("B/16")</c> (case-sensitive: "g/14" ≠ "G/14").</summary>
    public static Vit Named(string name)
    {
        var parts = (name ?? "").Split('/');
        if (parts.Length != 2 || !Presets.TryGetValue(parts[0], out var preset) || !int.TryParse(parts[1], out var patch))
            throw new ArgumentException(
                $"'{name}' is not a ViT preset. Write VARIANT/PATCH with VARIANT one of {string.Join(", ", Presets.Keys)}, e.g. \"B/16\".",
                nameof(name));
        return preset(patch);
    }

    private static Vit Shape(string variant, int patch, int width, int depth, int mlp, int heads) =>
        new(patch, width, depth, mlp, heads) { Variant = $"{variant}/{patch}" };
}
