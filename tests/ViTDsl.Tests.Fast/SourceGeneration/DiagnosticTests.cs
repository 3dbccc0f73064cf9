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
    [InlineData("VIT214", "public static Experiment Bad => new(Vit.Ti(16)) { Data = new Data(new DataSet.ClassSubset(new DataSet.FashionMnist(), ValueList.Of(6, 7, 10))) };", "new DataSet.ClassSubset(new DataSet.FashionMnist(), ValueList.Of(6, 7, 10))")]
    [InlineData("VIT007", "public static Experiment Bad { get { var v = Vit.B(16); return new(v); } }", "Bad")]
    [InlineData("VIT231", "public static Experiment Bad => new(Vit.B(16) with { Image = 384 }) { StartFrom = new(Vit.B(16) with { Depth = 6 }) };", "StartFrom = new(Vit.B(16) with { Depth = 6 })")]
    [InlineData("VIT241", "public static Experiment Bad => new(Vit.Ti(16)) { FewShot = new FewShot { Seeds = 0 } };", "FewShot = new FewShot { Seeds = 0 }")]
    [InlineData("VIT242", "public static Experiment Bad => new(Vit.Ti(16)) { Evaluations = new(Points: 0) };", "Evaluations = new(Points: 0)")]
    [InlineData("VIT242", "public static Experiment Bad => new(Vit.Ti(16)) { Evaluations = new Evaluations(FirstFraction: 1.5) };", "Evaluations = new Evaluations(FirstFraction: 1.5)")]
    [InlineData("VIT401", "public static Experiment Bad => new(Vit.G(14)) { Optimizer = new Optimizer.Adam(), Device = Accelerator.TpuV3Core };", "Device = Accelerator.TpuV3Core")]
    [InlineData("VIT402", "public static Experiment Bad => new(Vit.Ti(16)) { DeviceCount = 0 };", "DeviceCount = 0")]
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
    public void Training_that_does_not_fit_its_device_names_the_bytes_and_the_largest_batch()
    {
        var diagnostic = Assert.Single(GeneratorHarness.Run(Declarations(
            "public static Experiment Bad => new(Vit.B(16)) { Device = Accelerator.Cpu(memoryGiB: 8) };")).GeneratorDiagnostics);
        var e = new Experiment(Vit.B(16)) { Device = Accelerator.Cpu(8) };
        var message = diagnostic.GetMessage();
        Assert.Equal("VIT401", diagnostic.Id);
        Assert.Contains(TrainingMemory.Gib(TrainingMemory.Of(e).PeakBytes), message);
        Assert.Contains("8.00 GiB", message);
        Assert.Contains($"largest batch per device that fits is {TrainingMemory.LargestBatchPerDevice(e, e.Device)}", message);
    }

    [Fact]
    public void Declarations_that_fit_their_device_get_no_diagnostic_and_their_memory_on_the_plan()
    {
        var assembly = GeneratorHarness.CompileAndLoad(Declarations("""
            public static Experiment Fits => new(Vit.B(16)) { Device = Accelerator.A100_80, DeviceCount = 128 };
            public static Experiment Here => new(Vit.Ti(16));
            """));
        var plan = assembly.GetType("Study.Sweep+FitsPlan")!;
        var expected = TrainingMemory.Of(new Experiment(Vit.B(16)) { Device = Accelerator.A100_80, DeviceCount = 128 });
        Assert.Equal(32, plan.GetField("BatchPerDevice")!.GetValue(null));
        Assert.Equal(expected.PeakBytes, plan.GetField("PeakTrainingBytes")!.GetValue(null));
        Assert.Equal(expected.ActivationBytes, plan.GetField("ActivationBytes")!.GetValue(null));
        Assert.Equal(80L << 30, plan.GetField("DeviceMemoryBytes")!.GetValue(null));
        Assert.Equal(long.MaxValue, assembly.GetType("Study.Sweep+HerePlan")!.GetField("DeviceMemoryBytes")!.GetValue(null));
    }

    [Fact]
    public void A_sweep_reports_each_trial_that_does_not_fit()
    {
        var diagnostics = GeneratorHarness.Run(Declarations("""
            public static Experiment Base => new(Vit.Ti(16)) { Device = Accelerator.TpuV3Core, DeviceCount = 64, Execution = Execution.Eager };
            public static ViTDsl.Sweep Models => ViTDsl.Sweep.From(Base) * Axis.Of("model", (e, m) => e with { Model = m }, Vit.Ti(16), Vit.L(16), Vit.G(14));
            """)).GeneratorDiagnostics;
        // 64 images per core, eagerly: Ti/16 fits a 16 GiB core, L/16 and G/14 do not (the declaring class is named Sweep here).
        Assert.All(diagnostics, d => Assert.Equal("VIT401", d.Id));
        Assert.Equal(["Trial 'model=G/14'", "Trial 'model=L/16'"], diagnostics.Select(d => d.GetMessage().Split(':')[0]).Order());
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
        var good = Vit.Ti(16);
        Assert.Contains("class GoodPlan", generated);
        Assert.DoesNotContain("class BadPlan", generated);
        // The only model is Good's, named after its shape (the record's values, not the generator's code).
        Assert.Equal([$"Vit_p16_w{good.Width}_d{good.Depth}_m{good.Mlp}_h{good.Heads}_{good.Pool.GetType().Name}"],
            System.Text.RegularExpressions.Regex.Matches(generated, @"public sealed class (\w+) :").Select(m => m.Groups[1].Value));
    }
}
