using System.Collections.Generic;

namespace ViTDsl;

/// <summary>The rules a <see cref="Vit"/> must satisfy to be buildable; checked at compile time by the generator.</summary>
internal static class ShapeRules
{

    public static IReadOnlyList<Problem> Check(Vit m)
    {
        var problems = new List<Problem>();
        void Positive(string member, int value)
        {
            if (value <= 0)
                problems.Add(new(DiagnosticKinds.NotPositive.Id, member, $"{member} is {value} but must be positive; give {member} a value of at least 1."));
        }
        Positive(nameof(Vit.Patch), m.Patch);
        Positive(nameof(Vit.Width), m.Width);
        Positive(nameof(Vit.Depth), m.Depth);
        Positive(nameof(Vit.Mlp), m.Mlp);
        Positive(nameof(Vit.Heads), m.Heads);
        Positive(nameof(Vit.Image), m.Image);
        Positive(nameof(Vit.Channels), m.Channels);
        Positive(nameof(Classifier.Classes), m.Classifier.Classes);
        if (m.PreLogits is int r) Positive(nameof(Vit.PreLogits), r);
        if (problems.Count > 0) return problems;

        if (m.Width % m.Heads != 0)
            problems.Add(new(DiagnosticKinds.HeadsDoNotDivideWidth.Id, nameof(Vit.Heads),
                $"Width {m.Width} is not divisible by Heads {m.Heads}; choose Heads among the divisors of Width " +
                $"(e.g. {NearestDivisor(m.Width, m.Heads)}) or change Width."));
        if (m.Image % m.Patch != 0)
            problems.Add(new(DiagnosticKinds.PatchDoesNotDivideImage.Id, nameof(Vit.Image),
                $"Image {m.Image} px is not a multiple of Patch {m.Patch} px; use Image = {m.Image / m.Patch * m.Patch} " +
                $"or {(m.Image / m.Patch + 1) * m.Patch}, or a Patch that divides {m.Image}."));
        return problems;
    }

    private static int NearestDivisor(int n, int near)
    {
        for (int delta = 0; ; delta++)
        {
            if (near - delta >= 1 && n % (near - delta) == 0) return near - delta;
            if (n % (near + delta) == 0) return near + delta;
        }
    }
}
