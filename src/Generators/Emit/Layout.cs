namespace ViTDsl.Generators.Emit;

/// <summary>Places multi-line generated expressions at the indentation of the code around them.</summary>
internal static class Layout
{
    /// <summary>Indents every line but the first (which continues the current line) by <paramref name="spaces"/>.</summary>
    public static string Indent(string text, int spaces) => text.Replace("\n", "\n" + new string(' ', spaces));
}
