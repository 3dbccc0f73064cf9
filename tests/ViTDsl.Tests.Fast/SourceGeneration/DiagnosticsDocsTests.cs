extern alias generator;
using System.Reflection;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;

namespace ViTDsl.Tests.SourceGeneration;

// One table of diagnostic kinds (DiagnosticKinds): the generator's descriptor of each, a section of docs/diagnostics.md
// for each, no id spelled anywhere else, and each section's one-line examples really produce that id with a link to it.
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
    public void Every_diagnostic_kind_has_a_descriptor_from_the_table_and_a_section()
    {
        // The generator's descriptors, reached through its internal Diagnostics.ById (what the output step calls).
        var byId = typeof(generator::ViTDsl.Generators.ExperimentsGenerator).Assembly.GetType("ViTDsl.Generators.Diagnostics")!
            .GetMethod("ById", BindingFlags.Public | BindingFlags.Static)!;
        Assert.True(DiagnosticKinds.All.Count >= 29, $"only {DiagnosticKinds.All.Count} kinds");
        Assert.Equal(DiagnosticKinds.All.Count, DiagnosticKinds.All.Select(k => k.Id).Distinct().Count());
        foreach (var kind in DiagnosticKinds.All)
        {
            var descriptor = (DiagnosticDescriptor)byId.Invoke(null, [kind.Id])!;
            Assert.Equal((kind.Id, kind.Title, kind.MessageFormat), (descriptor.Id, descriptor.Title.ToString(), descriptor.MessageFormat.ToString()));
            Assert.Equal(kind.IsWarning ? DiagnosticSeverity.Warning : DiagnosticSeverity.Error, descriptor.DefaultSeverity);
            Assert.EndsWith("docs/diagnostics.md#" + kind.Id.ToLowerInvariant(), descriptor.HelpLinkUri);
        }
        Assert.Empty(DiagnosticKinds.All.Select(k => k.Id).Except(Sections().Keys).Order());
        Assert.Empty(Sections().Keys.Except(DiagnosticKinds.All.Select(k => k.Id)).Order());
    }

    [Fact]
    public void An_id_missing_from_the_table_is_an_error_not_a_generic_message()
    {
        var byId = typeof(generator::ViTDsl.Generators.ExperimentsGenerator).Assembly.GetType("ViTDsl.Generators.Diagnostics")!
            .GetMethod("ById", BindingFlags.Public | BindingFlags.Static)!;
        var e = Assert.Throws<TargetInvocationException>(() => byId.Invoke(null, ["VIT999"]));
        Assert.Contains("DiagnosticKinds", e.InnerException!.Message);
    }

    [Fact]
    public void No_source_spells_a_diagnostic_id_outside_the_table()
    {
        var spelled = new[] { "src/Dsl", "src/Generators" }
            .SelectMany(d => Directory.GetFiles(Path.Combine(Root, d), "*.cs", SearchOption.AllDirectories))
            .Where(f => !f.Contains("/obj/") && !f.Contains("/bin/") && Path.GetFileName(f) != "DiagnosticKinds.cs")
            .Where(f => Regex.IsMatch(File.ReadAllText(f), "\"VIT[0-9]{3}\""))
            .Select(f => Path.GetRelativePath(Root, f));
        Assert.Empty(spelled);
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
