extern alias generator;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using ExperimentsGenerator = generator::ViTDsl.Generators.ExperimentsGenerator;

namespace ViTDsl.Tests.SourceGeneration;

// The step-reason table: after an edit, which declarations did the expensive steps (evaluation with sweep expansion,
// then facts) re-run for? Every output of those steps is one declaration; its name is read from the step's output.
public class IncrementalPipelineTests
{
    private const string Declarations = """
        using ViTDsl;
        namespace Study;
        [Experiments]
        public static partial class Sizes
        {
            public static Experiment Tiny => new(Vit.Ti(16) with { Image = 32 });
            public static Experiment Small => new(Vit.S(16) with { Image = 32 });
            public static Experiment TinyLonger => Tiny with { Steps = 2_000_000 };
            public static Sweep Widths => Sweep.From(Tiny) * Axis.Of("width", (e, w) => e with { Model = e.Model with { Width = w } }, 96, 192);
            public static Experiment Bad => new(Vit.B(16) with { Heads = 7 });
        }
        """;

    private const string Unrelated = "namespace Study; public static class Helpers { }";

    private static readonly string[] Names = ["Tiny", "Small", "TinyLonger", "Widths", "Bad"];

    [Fact]
    public void An_unrelated_edit_reruns_no_evaluation()
    {
        var table = ReasonsAfter(Declarations, Unrelated, Declarations, "namespace Study; public static class Helpers { public static int Answer => 42; }");
        Assert.All(Names, name => Assert.Equal(IncrementalStepRunReason.Cached, table[(ExperimentsGenerator.EvaluationStep, name)]));
        Assert.All(Names, name => Assert.Equal(IncrementalStepRunReason.Cached, table[(ExperimentsGenerator.FactsStep, name)]));
    }

    [Fact]
    public void Editing_one_declaration_reevaluates_it_alone()
    {
        var table = ReasonsAfter(Declarations, Unrelated, Declarations.Replace("Vit.S(16) with { Image = 32 }", "Vit.S(16) with { Image = 64 }"), Unrelated);
        Assert.Equal(IncrementalStepRunReason.Modified, table[(ExperimentsGenerator.EvaluationStep, "Small")]);
        Assert.All(Names.Except(["Small"]), name => Assert.Equal(IncrementalStepRunReason.Cached, table[(ExperimentsGenerator.EvaluationStep, name)]));
    }

    [Fact]
    public void Editing_a_declaration_reevaluates_the_declarations_that_reference_it()
    {
        var table = ReasonsAfter(Declarations, Unrelated, Declarations.Replace("Vit.Ti(16) with { Image = 32 }", "Vit.Ti(16) with { Image = 48 }"), Unrelated);
        Assert.All(["Tiny", "TinyLonger", "Widths"], name => Assert.Equal(IncrementalStepRunReason.Modified, table[(ExperimentsGenerator.EvaluationStep, name)]));
        Assert.All(["Small", "Bad"], name => Assert.Equal(IncrementalStepRunReason.Cached, table[(ExperimentsGenerator.EvaluationStep, name)]));
    }

    [Fact]
    public void Moving_code_reevaluates_nothing_and_moves_the_diagnostic()
    {
        var moved = Declarations.Replace("namespace Study;", "namespace Study;\n// a comment that moves every declaration down a line");
        var (table, diagnostics) = Run(Declarations, Unrelated, moved, Unrelated);
        Assert.All(Names, name => Assert.Equal(IncrementalStepRunReason.Cached, table[(ExperimentsGenerator.EvaluationStep, name)]));
        var diagnostic = Assert.Single(diagnostics);
        Assert.Equal("VIT003", diagnostic.Id);
        Assert.Equal(moved.IndexOf("Heads = 7", StringComparison.Ordinal), diagnostic.Location.SourceSpan.Start);
    }

    [Fact]
    public void Output_after_edits_equals_a_fresh_run()
    {
        var edited = Declarations.Replace("Vit.Ti(16) with { Image = 32 }", "Vit.Ti(16) with { Image = 48 }");
        var compilation = GeneratorHarness.Compilation(Declarations, Unrelated);
        var incremental = GeneratorHarness.Driver().RunGenerators(compilation).RunGenerators(Replace(compilation, 0, edited)).GetRunResult();
        var fresh = GeneratorHarness.Driver().RunGenerators(GeneratorHarness.Compilation(edited, Unrelated)).GetRunResult();
        Assert.Equal(fresh.GeneratedTrees.Select(t => t.ToString()), incremental.GeneratedTrees.Select(t => t.ToString()));
        Assert.Equal(fresh.Diagnostics.Select(d => d.ToString()), incremental.Diagnostics.Select(d => d.ToString()));
    }

    private static Dictionary<(string Step, string Declaration), IncrementalStepRunReason> ReasonsAfter(
        string before, string unrelatedBefore, string after, string unrelatedAfter) => Run(before, unrelatedBefore, after, unrelatedAfter).Table;

    /// <summary>Runs the generator, edits the two files, runs it again; returns each expensive step's reason per declaration.</summary>
    private static (Dictionary<(string, string), IncrementalStepRunReason> Table, IReadOnlyList<Diagnostic> Diagnostics) Run(
        string before, string unrelatedBefore, string after, string unrelatedAfter)
    {
        var compilation = GeneratorHarness.Compilation(before, unrelatedBefore);
        var driver = GeneratorHarness.Driver().RunGenerators(compilation);
        var edited = Replace(Replace(compilation, 0, after), 1, unrelatedAfter);
        var result = driver.RunGenerators(edited).GetRunResult().Results.Single();
        var table = new Dictionary<(string, string), IncrementalStepRunReason>();
        foreach (var step in new[] { ExperimentsGenerator.EvaluationStep, ExperimentsGenerator.FactsStep })
            foreach (var output in result.TrackedSteps[step].SelectMany(s => s.Outputs))
                table.Add((step, KeyName(output.Value)), output.Reason);
        Assert.Equal(Names.Length * 2, table.Count);
        return (table, result.Diagnostics);
    }

    // The steps' models are internal to the generator; each has a Key with the declaration's Name.
    private static string KeyName(object model)
    {
        var key = model.GetType().GetProperty("Key")!.GetValue(model)!;
        return (string)key.GetType().GetProperty("Name")!.GetValue(key)!;
    }

    private static Compilation Replace(Compilation compilation, int index, string source) =>
        compilation.ReplaceSyntaxTree(compilation.SyntaxTrees.ElementAt(index), CSharpSyntaxTree.ParseText(
            source, (CSharpParseOptions)compilation.SyntaxTrees.First().Options, path: $"Declarations{index}.cs"));
}
