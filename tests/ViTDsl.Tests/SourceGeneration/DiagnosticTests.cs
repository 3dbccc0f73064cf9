using Microsoft.CodeAnalysis;

namespace ViTDsl.Tests.SourceGeneration;

// Each invalid declaration fails the build with its diagnostic on the code at fault. The expected location is
// the span of a marked snippet in the source, found independently of the generator.
public class DiagnosticTests
{
    private static string Declarations(string body, string classModifiers = "public static partial") => $$"""
        using ViTDsl;
        namespace Study;
        [Experiments]
        {{classModifiers}} class Sweep
        {
            {{body}}
        }
        """;

    [Theory]
    [InlineData("VIT003", "public static Experiment Bad => new(Vit.B(16) with { Heads = 7 });", "Heads = 7")]
    [InlineData("VIT004", "public static Experiment Bad => new(Vit.S(16) with { Image = 100 });", "Image = 100")]
    [InlineData("VIT002", "public static Experiment Bad => new(new Vit(16, 64, 0, 128, 2));", "0")]
    [InlineData("VIT002", "public static Experiment Bad => new(Vit.Ti(16) with { Classifier = new Classifier(Classes: -3) });", "Classes: -3")]
    [InlineData("VIT001", "public static Experiment Bad => new(Vit.B(int.Parse(\"16\")));", "int.Parse(\"16\")")]
    [InlineData("VIT001", "public static Experiment Bad => new(Vit.B(System.Environment.ProcessorCount));", "System.Environment.ProcessorCount")]
    [InlineData("VIT006", "public static Experiment Bad => new(Vit.Named(\"Q/16\"));", "Vit.Named(\"Q/16\")")]
    [InlineData("VIT301", "public static Experiment Bad => new(Vit.B(16)) { LearningRate = -1e-3 };", "LearningRate = -1e-3")]
    [InlineData("VIT221", "public static Experiment Bad => new(Vit.B(16) with { Classifier = new Classifier(1000) { BiasInit = -10 } }) { Loss = new Loss.Softmax() };", "BiasInit = -10")]
    [InlineData("VIT211", "public static Experiment Bad => new(Vit.B(16)) { Data = new Data(new DataSet.FashionMnist()) { Batch = 0 } };", "Batch = 0")]
    [InlineData("VIT007", "public static Experiment Bad { get { var v = Vit.B(16); return new(v); } }", "Bad")]
    [InlineData("VIT231", "public static Experiment Bad => new(Vit.B(16) with { Image = 384 }) { StartFrom = new(Vit.B(16) with { Depth = 6 }) };", "StartFrom = new(Vit.B(16) with { Depth = 6 })")]
    public void An_invalid_declaration_is_an_error_at_the_code_at_fault(string id, string declaration, string culprit)
    {
        var source = Declarations(declaration);
        var diagnostic = Assert.Single(GeneratorHarness.Run(source).GeneratorDiagnostics);
        Assert.Equal(id, diagnostic.Id);
        Assert.Equal(DiagnosticSeverity.Error, diagnostic.Severity);
        var expected = source.IndexOf(culprit, source.IndexOf("Bad", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.Equal(new Microsoft.CodeAnalysis.Text.TextSpan(expected, culprit.Length), diagnostic.Location.SourceSpan);
    }

    [Fact]
    public void Messages_name_the_problem_and_the_fix()
    {
        var diagnostic = Assert.Single(GeneratorHarness.Run(Declarations(
            "public static Experiment Bad => new(Vit.B(16) with { Heads = 7 });")).GeneratorDiagnostics);
        var message = diagnostic.GetMessage();
        Assert.Contains("768", message);
        Assert.Contains("Heads 7", message);
        Assert.Contains("e.g. 6", message); // 6 and 8 are the divisors of 768 nearest 7; the smaller is offered
    }

    [Fact]
    public void A_class_that_is_not_static_partial_is_refused_at_its_name()
    {
        var source = Declarations("public static Experiment Ok => new(Vit.B(16));", classModifiers: "public static");
        var diagnostic = Assert.Single(GeneratorHarness.Run(source).GeneratorDiagnostics);
        Assert.Equal("VIT005", diagnostic.Id);
        Assert.Equal(source.IndexOf("Sweep", StringComparison.Ordinal), diagnostic.Location.SourceSpan.Start);
    }

    [Fact]
    public void An_invalid_declaration_generates_no_model()
    {
        var (_, output) = GeneratorHarness.Run(Declarations(
            "public static Experiment Bad => new(Vit.B(16) with { Heads = 7 });\n    public static Experiment Good => new(Vit.Ti(16));"));
        var generated = string.Join("\n", output.SyntaxTrees.Skip(1).Select(t => t.ToString()));
        Assert.Contains("class GoodModel", generated);
        Assert.DoesNotContain("class BadModel", generated);
    }
}
