using System.Text.RegularExpressions;

namespace ViTDsl.Tests.SourceGeneration;

// docs/diagnostics.md: a section for every id the Dsl and the generator can report (found in their sources), and its
// one-line examples really produce that id, with a help link to that section.
public class DiagnosticsDocsTests
{
    private static readonly string Root = FindRoot();
    private static readonly string Docs = File.ReadAllText(Path.Combine(Root, "docs", "diagnostics.md"));

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "docs", "diagnostics.md")) && Directory.Exists(Path.Combine(dir.FullName, "src", "Dsl")))
                return dir.FullName;
        throw new InvalidOperationException("repository root not found above " + AppContext.BaseDirectory);
    }

    private static Dictionary<string, string> Sections() => Regex.Split(Docs, @"^## ", RegexOptions.Multiline).Skip(1)
        .ToDictionary(s => s[..s.IndexOf('\n')].Trim(), s => s);

    [Fact]
    public void Every_diagnostic_id_in_the_sources_has_a_section()
    {
        var ids = new[] { "src/Dsl", "src/Generators" }
            .SelectMany(d => Directory.GetFiles(Path.Combine(Root, d), "*.cs", SearchOption.AllDirectories))
            .Where(f => !f.Contains("/obj/") && !f.Contains("/bin/"))
            .SelectMany(f => Regex.Matches(File.ReadAllText(f), "\"(VIT[0-9]{3})\"").Select(m => m.Groups[1].Value))
            .ToHashSet();
        Assert.True(ids.Count >= 25, $"only {ids.Count} ids found");
        Assert.Empty(ids.Except(Sections().Keys).Order());
    }

    public static TheoryData<string, string> Examples()
    {
        var data = new TheoryData<string, string>();
        foreach (var (id, text) in Sections())
            foreach (var line in text.Split('\n').Select(l => l.Trim()).Where(l => l.StartsWith("public static Experiment ", StringComparison.Ordinal)))
                data.Add(id, line);
        return data;
    }

    [Theory]
    [MemberData(nameof(Examples))]
    public void A_documented_example_reports_its_section_id_with_a_link_to_it(string id, string example)
    {
        var source = $"using ViTDsl;\nnamespace Docs;\n[Experiments]\npublic static partial class Examples\n{{\n    {example}\n}}\n";
        var diagnostic = Assert.Single(GeneratorHarness.Run(source).GeneratorDiagnostics);
        Assert.Equal(id, diagnostic.Id);
        Assert.EndsWith("docs/diagnostics.md#" + id.ToLowerInvariant(), diagnostic.Descriptor.HelpLinkUri);
    }
}
