namespace ViTDsl.Runtime.Analysis;

/// <summary>Shared wording of figure titles and axis labels.</summary>
internal static class FigureText
{
    public static string Capitalise(string s) => s.Length == 0 ? s : char.ToUpperInvariant(s[0]) + s[1..];
}
