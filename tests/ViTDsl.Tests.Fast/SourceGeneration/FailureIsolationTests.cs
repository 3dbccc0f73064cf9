using Microsoft.CodeAnalysis;

namespace ViTDsl.Tests.SourceGeneration;

// An exception while evaluating one declaration is a diagnostic on that declaration; the others still generate.
public class FailureIsolationTests
{
    private static string Declarations(string failing) => $$"""
        using ViTDsl;
        namespace Study;
        [Experiments]
        public static partial class Mixed
        {
            public static Experiment Before => new(Vit.Ti(16) with { Image = 32 });
            {{failing}}
            public static Experiment After => new(Vit.S(16) with { Image = 32 });
        }
        """;

    [Fact]
    public void Overflowing_arithmetic_is_an_error_at_the_expression_and_the_others_generate()
    {
        // Width is read from a preset, so the product is not a constant the compiler would reject: 768 × 2^31−1 overflows int.
        const string culprit = "Vit.B(16).Width * int.MaxValue";
        var source = Declarations($"public static Experiment Overflow => new(new Vit(16, {culprit}, 12, 3072, 12));");
        var diagnostic = AssertOneErrorAndOthersGenerated(source, "Overflow");
        Assert.Equal("VIT006", diagnostic.Id);
        Assert.Contains("overflows int", diagnostic.GetMessage());
        Assert.Equal(source.IndexOf(culprit, StringComparison.Ordinal), diagnostic.Location.SourceSpan.Start);
    }

    [Fact]
    public void A_dsl_member_that_throws_unexpectedly_is_an_internal_error_at_the_call_and_the_others_generate()
    {
        // Vit.Tokens reads Pool.HasClassToken: with a null Pool the Dsl itself throws a NullReferenceException.
        const string culprit = "(Vit.Ti(16) with { Pool = null! }).Tokens";
        var source = Declarations($"public static Experiment Broken => new(new Vit(16, 192, {culprit}, 768, 3));");
        var diagnostic = AssertOneErrorAndOthersGenerated(source, "Broken");
        Assert.Equal("VIT008", diagnostic.Id);
        Assert.Contains("NullReferenceException", diagnostic.GetMessage());
        Assert.Contains("please report", diagnostic.GetMessage());
        Assert.Equal(source.IndexOf(culprit, StringComparison.Ordinal), diagnostic.Location.SourceSpan.Start);
    }

    [Fact]
    public void Dsl_rules_that_throw_unexpectedly_are_an_internal_error_on_the_declaration()
    {
        // A null model passes evaluation; the Dsl's rules then dereference it.
        const string declaration = "public static Experiment NoModel => new(null!);";
        var source = Declarations(declaration);
        var diagnostic = AssertOneErrorAndOthersGenerated(source, "NoModel");
        Assert.Equal("VIT008", diagnostic.Id);
        Assert.Contains("'NoModel'", diagnostic.GetMessage());
        Assert.Equal(source.IndexOf("new(null!)", StringComparison.Ordinal), diagnostic.Location.SourceSpan.Start);
    }

    private static Diagnostic AssertOneErrorAndOthersGenerated(string source, string failing)
    {
        var (diagnostics, output) = GeneratorHarness.Run(source);
        Assert.DoesNotContain(diagnostics, d => d.Id == "CS8785"); // the generator did not crash
        var diagnostic = Assert.Single(diagnostics);
        Assert.Equal(DiagnosticSeverity.Error, diagnostic.Severity);
        var generated = string.Join("\n", output.SyntaxTrees.Skip(1).Select(t => t.ToString()));
        Assert.Contains("class BeforePlan", generated);
        Assert.Contains("class AfterPlan", generated);
        Assert.DoesNotContain($"class {failing}Plan", generated);
        Assert.Empty(output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));
        return diagnostic;
    }
}
