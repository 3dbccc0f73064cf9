using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using ViTDsl.Tests.SourceGeneration;
using static TorchSharp.torch;

namespace ViTDsl.Tests.Generated;

/// <summary>A random valid model shape, small enough to run.</summary>
public sealed record RandomShape(int Patch, int Grid, int HeadWidth, int Heads, int Depth, int Mlp, int Channels, int Classes, string Pool, int? PreLogits)
{
    public Vit ToVit() => new Vit(Patch, HeadWidth * Heads, Depth, Mlp, Heads)
    {
        Image = Patch * Grid, Channels = Channels, Classifier = new Classifier(Classes), PreLogits = PreLogits,
        Pool = Pool switch { "token" => new Pool.Token(), "gap" => new Pool.Gap(), _ => new Pool.Map() },
    };

    public string ToDeclaration(string name) =>
        $"public static Experiment {name} => new(new Vit({Patch}, {HeadWidth * Heads}, {Depth}, {Mlp}, {Heads}) " +
        $"{{ Image = {Patch * Grid}, Channels = {Channels}, Classifier = new Classifier({Classes}), " +
        $"PreLogits = {(PreLogits is int r ? r.ToString() : "null")}, Pool = new Pool.{Pool switch { "token" => "Token", "gap" => "Gap", _ => "Map" }}() }});";
}

public static class RandomShapes
{
    public static Arbitrary<RandomShape[]> Batches() =>
        (from patch in Gen.Elements(1, 2, 4, 7)
         from grid in Gen.Choose(1, 4)
         from headWidth in Gen.Elements(2, 4, 8)
         from heads in Gen.Choose(1, 4)
         from depth in Gen.Choose(1, 3)
         from mlp in Gen.Choose(1, 48)
         from channels in Gen.Choose(1, 3)
         from classes in Gen.Choose(1, 12)
         from pool in Gen.Elements("token", "gap", "map")
         from preLogits in Gen.Elements<int?>(null, null, 5)
         select new RandomShape(patch, grid, headWidth, heads, depth, mlp, channels, classes, pool, preLogits))
        .ArrayOf(6).ToArbitrary();
}

// Each case compiles a batch of random declarations with the real generator, loads the generated models and checks
// them against the Dsl's formulas and the shapes a ViT must produce.
public class RandomShapeProperties
{
    [Property(MaxTest = 4, Arbitrary = [typeof(RandomShapes)])]
    public void Generated_models_have_the_declared_shapes_and_parameter_counts(RandomShape[] shapes)
    {
        var source = "using ViTDsl;\nnamespace Random;\n[Experiments]\npublic static partial class Shapes\n{\n"
            + string.Join("\n", shapes.Select((s, i) => "    " + s.ToDeclaration($"Shape{i}"))) + "\n}\n";
        var catalog = GeneratorHarness.Catalog(GeneratorHarness.CompileAndLoad(source));

        for (int i = 0; i < shapes.Length; i++)
        {
            var vit = shapes[i].ToVit();
            var experiment = catalog.Single(e => e.Name == $"Shape{i}");
            Assert.Equal(new Experiment(vit), experiment.Declaration);

            using var scope = NewDisposeScope();
            var model = experiment.CreateModel(null);
            var images = randn(3, vit.Channels, vit.Image, vit.Image);
            Assert.Equal(new long[] { 3, vit.Classifier.Classes }, model.forward(images).shape);
            Assert.Equal(new long[] { 3, vit.Width }, model.Pooled(images).shape);
            Assert.Equal(new long[] { 3, vit.RepresentationWidth }, model.Features(images).shape);
            Assert.Equal(ParameterCount.Total(vit), model.CountParameters());
            Assert.Equal(ParameterCount.Total(vit), experiment.Facts.TotalParameters);

            // GAP and MAP models carry no class token: the position embedding has one row per patch.
            var position = model.named_parameters().Single(p => p.name == "position").parameter;
            var expectedTokens = vit.Pool is Pool.Token ? vit.Grid * vit.Grid + 1 : vit.Grid * vit.Grid;
            Assert.Equal(expectedTokens, position.shape[1]);
            Assert.Equal(expectedTokens, experiment.Facts.TokensPerImage);
            Assert.Equal(vit.Pool is Pool.Token, model.named_parameters().Any(p => p.name == "cls"));
        }
    }
}
