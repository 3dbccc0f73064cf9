extern alias generator;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using ExperimentsGenerator = generator::ViTDsl.Generators.ExperimentsGenerator;

namespace ViTDsl.Tests.SourceGeneration;

public class CachingTests
{
    private const string Declarations = """
        using ViTDsl;
        namespace Study;
        [Experiments]
        public static partial class Sizes
        {
            public static Experiment Tiny => new(Vit.Ti(16) with { Image = 32 });
            public static Experiment Small => new(Vit.S(16) with { Image = 32 });
        }
        """;

    [Fact]
    public void An_unrelated_edit_leaves_every_step_cached()
    {
        var compilation = GeneratorHarness.Compilation(Declarations, "namespace Study; public static class Helpers { }");
        var driver = GeneratorHarness.Driver().RunGenerators(compilation);

        var edited = compilation.ReplaceSyntaxTree(compilation.SyntaxTrees.Last(), CSharpSyntaxTree.ParseText(
            "namespace Study; public static class Helpers { public static int Answer => 42; }",
            (CSharpParseOptions)compilation.SyntaxTrees.First().Options, path: "Declarations1.cs"));
        var result = driver.RunGenerators(edited).GetRunResult().Results.Single();

        var read = result.TrackedSteps[ExperimentsGenerator.ReadStep].SelectMany(step => step.Outputs).ToList();
        Assert.NotEmpty(read);
        Assert.All(read, output => Assert.Contains(output.Reason, new[] { IncrementalStepRunReason.Cached, IncrementalStepRunReason.Unchanged }));
        var catalog = result.TrackedSteps[ExperimentsGenerator.CatalogStep].SelectMany(step => step.Outputs).ToList();
        Assert.All(catalog, output => Assert.Contains(output.Reason, new[] { IncrementalStepRunReason.Cached, IncrementalStepRunReason.Unchanged }));
        Assert.All(result.TrackedOutputSteps.SelectMany(step => step.Value).SelectMany(step => step.Outputs),
            output => Assert.Equal(IncrementalStepRunReason.Cached, output.Reason));
    }

    [Fact]
    public void Editing_a_declaration_reruns_its_step()
    {
        var compilation = GeneratorHarness.Compilation(Declarations);
        var driver = GeneratorHarness.Driver().RunGenerators(compilation);
        var edited = compilation.ReplaceSyntaxTree(compilation.SyntaxTrees.Single(), CSharpSyntaxTree.ParseText(
            Declarations.Replace("Image = 32 });\n    public static Experiment Small", "Image = 64 });\n    public static Experiment Small"),
            (CSharpParseOptions)compilation.SyntaxTrees.First().Options, path: "Declarations0.cs"));
        var result = driver.RunGenerators(edited).GetRunResult().Results.Single();
        Assert.Contains(result.TrackedSteps[ExperimentsGenerator.ReadStep].SelectMany(step => step.Outputs),
            output => output.Reason == IncrementalStepRunReason.Modified);
    }
}
