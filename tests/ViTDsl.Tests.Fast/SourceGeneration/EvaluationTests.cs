namespace ViTDsl.Tests.SourceGeneration;

// The generator evaluates declarations with the Dsl's semantics; the value it emits must equal the value the same
// expression has at run time (here: evaluated by this test process, an independent evaluation).
public class EvaluationTests
{
    [Fact]
    public void Declarations_built_from_presets_with_arithmetic_and_references_evaluate_as_at_run_time()
    {
        const string source = """
            using ViTDsl;
            namespace Study;
            [Experiments]
            public static partial class Shapes
            {
                private const int Side = 4 * 8;
                private static Vit Base => Vit.Ti(patch: Side / 4) with { Image = Side, Channels = 1 };
                public static Experiment Gap => new(Base with { Pool = new Pool.Gap(), Classifier = new Classifier(10) { BiasInit = -10 } });
                public static Experiment Token { get; } = new(Base with { Pool = new Pool.Token(), PreLogits = 2 * 96 });
                public static Experiment Named => new(Vit.Named("s/" + 16) with { Variant = $"s/{16}-wide", Width = 256 + 64, Heads = -(-10) });
            }
            """;
        var catalog = GeneratorHarness.Catalog(GeneratorHarness.CompileAndLoad(source));
        var expectedBase = Vit.Ti(patch: 8) with { Image = 32, Channels = 1 };
        Assert.Equal(new Experiment(expectedBase with { Pool = new Pool.Gap(), Classifier = new Classifier(10) { BiasInit = -10 } }),
            catalog.Single(e => e.Name == "Gap").Declaration);
        Assert.Equal(new Experiment(expectedBase with { Pool = new Pool.Token(), PreLogits = 192 }),
            catalog.Single(e => e.Name == "Token").Declaration);
        Assert.Equal(new Experiment(Vit.s(16) with { Variant = "s/16-wide", Width = 320, Heads = 10 }),
            catalog.Single(e => e.Name == "Named").Declaration);
    }

    [Fact]
    public void Helper_methods_declared_in_source_are_evaluated_and_recursion_is_refused()
    {
        const string source = """
            using ViTDsl;
            namespace Study;
            [Experiments]
            public static partial class Family
            {
                private static Vit Wide(int width, int depth) => new Vit(Patch: 4, Width: width, Depth: depth, Mlp: 4 * width, Heads: width / 32) { Image = 28, Channels = 1 };
                public static Experiment W64 => new(Wide(64, depth: 2));
                private static int Loop(int n) => Loop(n + 1);
                public static Experiment Bad => new(Vit.Ti(Loop(1)));
            }
            """;
        var (diagnostics, _) = GeneratorHarness.Run(source);
        var recursion = Assert.Single(diagnostics);
        Assert.Equal("VIT001", recursion.Id);
        Assert.Contains("calls itself", recursion.GetMessage());

        var valid = GeneratorHarness.Catalog(GeneratorHarness.CompileAndLoad(source.Replace("public static Experiment Bad => new(Vit.Ti(Loop(1)));", "")));
        Assert.Equal(new Experiment(new Vit(4, 64, 2, 256, 2) { Image = 28, Channels = 1 }), Assert.Single(valid).Declaration);
    }
}
