using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace ViTDsl.Tests.Architecture;

/// <summary>
/// The project's rule that no method in src/ is longer than <see cref="MaxLines"/> lines, read from the sources with
/// Roslyn: methods, constructors, operators, accessors and local functions, from their signature to their closing
/// brace (documentation comments and attributes excluded). A failure names each long method and its length.
/// </summary>
public class MethodLengthTests
{
    public const int MaxLines = 60;

    [Fact]
    public void No_method_in_src_is_longer_than_the_limit()
    {
        var src = Path.Combine(RepositoryRoot(), "src");
        var methods = Directory.EnumerateFiles(src, "*.cs", SearchOption.AllDirectories)
            .Where(f => !Path.GetRelativePath(src, f).Split(Path.DirectorySeparatorChar).Any(part => part is "bin" or "obj"))
            .SelectMany(f => MethodsOf(f, Path.GetRelativePath(RepositoryRoot(), f)))
            .ToList();
        Assert.True(methods.Count > 500, $"only {methods.Count} methods found under {src}");
        var tooLong = methods.Where(m => m.Lines > MaxLines).OrderByDescending(m => m.Lines).ToList();
        Assert.True(tooLong.Count == 0,
            $"{tooLong.Count} method(s) in src/ exceed {MaxLines} lines; split them into named steps:\n" + string.Join("\n", tooLong));
    }

    [Fact]
    public void Lengths_count_from_the_signature_to_the_closing_brace()
    {
        var source = """
            class C
            {
                /// <summary>Documented.</summary>
                [System.Obsolete]
                void Three()
                {
                }

                int Arrow() =>
                    1;

                C() { int Local() { return 1; } }
            }
            """;
        var lengths = MethodsOf(CSharpSyntaxTree.ParseText(source), "C.cs").ToDictionary(m => m.Name, m => m.Lines);
        Assert.Equal(new Dictionary<string, int> { ["C.Three"] = 3, ["C.Arrow"] = 2, ["C..ctor"] = 1, ["C.Local"] = 1 }, lengths);
    }

    public sealed record Method(string Name, string File, int Line, int Lines)
    {
        public override string ToString() => $"{Name} ({File}:{Line}): {Lines} lines";
    }

    private static IEnumerable<Method> MethodsOf(string path, string shownPath) =>
        MethodsOf(CSharpSyntaxTree.ParseText(File.ReadAllText(path), path: path), shownPath);

    private static IEnumerable<Method> MethodsOf(SyntaxTree tree, string shownPath)
    {
        foreach (var node in tree.GetRoot().DescendantNodes())
        {
            var (name, start) = node switch
            {
                MethodDeclarationSyntax m => (m.Identifier.Text, FirstTokenAfterAttributes(m, m.AttributeLists)),
                ConstructorDeclarationSyntax c => (".ctor", FirstTokenAfterAttributes(c, c.AttributeLists)),
                OperatorDeclarationSyntax o => ("operator " + o.OperatorToken.Text, FirstTokenAfterAttributes(o, o.AttributeLists)),
                ConversionOperatorDeclarationSyntax c => ("operator " + c.Type, FirstTokenAfterAttributes(c, c.AttributeLists)),
                AccessorDeclarationSyntax a => (AccessorName(a), FirstTokenAfterAttributes(a, a.AttributeLists)),
                LocalFunctionStatementSyntax l => (l.Identifier.Text, FirstTokenAfterAttributes(l, l.AttributeLists)),
                _ => (null, default),
            };
            if (name is null) continue;
            var first = tree.GetLineSpan(start.Span).StartLinePosition.Line;
            var last = tree.GetLineSpan(node.GetLastToken().Span).EndLinePosition.Line;
            yield return new Method($"{TypeName(node)}.{name}", shownPath, first + 1, last - first + 1);
        }
    }

    private static SyntaxToken FirstTokenAfterAttributes(SyntaxNode node, SyntaxList<AttributeListSyntax> attributes) =>
        attributes.Count == 0 ? node.GetFirstToken() : attributes.Last().GetLastToken().GetNextToken();

    private static string AccessorName(AccessorDeclarationSyntax accessor) =>
        accessor.Parent?.Parent switch
        {
            PropertyDeclarationSyntax p => $"{p.Identifier.Text}.{accessor.Keyword.Text}",
            EventDeclarationSyntax e => $"{e.Identifier.Text}.{accessor.Keyword.Text}",
            _ => $"this[].{accessor.Keyword.Text}",
        };

    private static string TypeName(SyntaxNode node) =>
        string.Join(".", node.Ancestors().OfType<BaseTypeDeclarationSyntax>().Reverse().Select(t => t.Identifier.Text));

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "ViTDsl.sln"))) return dir.FullName;
        throw new DirectoryNotFoundException("ViTDsl.sln not found above " + AppContext.BaseDirectory);
    }
}
