using System.Reflection;
using Microsoft.CodeAnalysis;

namespace ViTDsl.Tests.SourceGeneration;

public class ReadableOutputTests
{
    private const string Declarations = """
        using ViTDsl;
        namespace Study;
        [Experiments]
        public static partial class Shared
        {
            private static Experiment Base => new(Vit.Ti(16) with { Image = 32 }) { Precision = Precision.Bf16 };
            public static Experiment Short => Base with { Steps = 100_000 };
            public static Experiment Long => Base with { Steps = 400_000 };
            public static Experiment Wide => Base with { Model = Base.Model with { Width = 384, Heads = 6 } };
        }
        """;

    // The name is derived here from the preset's record, independently of the generator's code.
    private static string ShapeName(Vit m) =>
        $"Vit_p{m.Patch}_w{m.Width}_d{m.Depth}_m{m.Mlp}_h{m.Heads}_{m.Pool.GetType().Name}_i{m.Image}";

    [Fact]
    public void Plans_of_one_shape_share_one_model_class_named_after_the_shape()
    {
        var assembly = GeneratorHarness.CompileAndLoad(Declarations);
        Type ModelOf(string plan) => assembly.GetType($"Study.Shared+{plan}Plan")!.GetMethod("CreateModel", [typeof(TorchSharp.torch.Device)])!.ReturnType;
        var tiny = Vit.Ti(16) with { Image = 32 };
        Assert.Equal(ShapeName(tiny), ModelOf("Short").Name);
        Assert.Same(ModelOf("Short"), ModelOf("Long"));
        Assert.Equal(ShapeName(tiny with { Width = 384, Heads = 6 }), ModelOf("Wide").Name);
        var models = assembly.GetTypes().Where(t => t.IsSubclassOf(typeof(ViTDsl.Runtime.Models.VitModule))).Select(t => t.Name).Order();
        Assert.Equal(new[] { ShapeName(tiny), ShapeName(tiny with { Width = 384, Heads = 6 }) }.Order(), models);
    }

    [Fact]
    public void Only_public_declarations_become_plans_and_catalog_entries()
    {
        var assembly = GeneratorHarness.CompileAndLoad(Declarations);
        Assert.Null(assembly.GetType("Study.Shared+BasePlan"));
        Assert.Equal(["Short", "Long", "Wide"], GeneratorHarness.Catalog(assembly).Select(e => e.Name));
    }

    [Fact]
    public void The_declaration_is_printed_over_lines_with_enum_member_names_and_rebuilds_the_value()
    {
        var (_, output) = GeneratorHarness.Run(Declarations);
        var plan = output.SyntaxTrees.Select(t => t.ToString()).Single(t => t.Contains("class ShortPlan"));
        var declaration = plan[plan.IndexOf("Declaration { get; } =", StringComparison.Ordinal)..];
        declaration = declaration[..(declaration.IndexOf("};", StringComparison.Ordinal) + 2)];
        Assert.Contains("Precision = global::ViTDsl.Precision.Bf16", declaration);
        Assert.DoesNotContain(")0", declaration);
        var lines = declaration.Split('\n');
        Assert.True(lines.Length > 10, declaration);
        Assert.All(lines, line => Assert.True(line.Length <= 120, line));

        var assembly = GeneratorHarness.CompileAndLoad(Declarations);
        var value = assembly.GetType("Study.Shared+ShortPlan")!.GetProperty("Declaration")!.GetValue(null);
        Assert.Equal(new Experiment(Vit.Ti(16) with { Image = 32 }) { Precision = Precision.Bf16, Steps = 100_000 }, value);
    }

    [Fact]
    public void A_short_name_declared_by_two_classes_is_a_warning_on_each_and_both_are_catalogued()
    {
        const string source = """
            using ViTDsl;
            namespace Study;
            [Experiments]
            public static partial class First { public static Experiment Same => new(Vit.Ti(16) with { Image = 32 }); }
            [Experiments]
            public static partial class Second { public static Experiment Same => new(Vit.S(16) with { Image = 32 }); }
            """;
        var (diagnostics, _) = GeneratorHarness.Run(source);
        Assert.Equal(2, diagnostics.Length);
        Assert.All(diagnostics, d =>
        {
            Assert.Equal("VIT009", d.Id);
            Assert.Equal(DiagnosticSeverity.Warning, d.Severity);
            Assert.Contains("First.Same, Second.Same", d.GetMessage());
        });
        Assert.Equal(
            [source.IndexOf("Same", StringComparison.Ordinal), source.LastIndexOf("Same", StringComparison.Ordinal)],
            diagnostics.Select(d => d.Location.SourceSpan.Start).Order());
    }
}
