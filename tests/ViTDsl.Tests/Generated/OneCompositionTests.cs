using ViTDsl.Runtime.Models;
using ViTDsl.Tests.SourceGeneration;
using static TorchSharp.torch;

namespace ViTDsl.Tests.Generated;

// A generated model class and a model built at run time for the same shape are one composition: with the same seed
// they have the same parameter names, shapes and values, and give the same outputs, in both precisions.
[Collection(SerialCollection.Name)] // torch's global generator seeds the models
public class OneCompositionTests
{
    private static readonly RandomShape[] Shapes =
    [
        new(Patch: 4, Grid: 3, HeadWidth: 8, Heads: 2, Depth: 2, Mlp: 24, Channels: 1, Classes: 5, Pool: "map", PreLogits: null),
        new(Patch: 2, Grid: 4, HeadWidth: 4, Heads: 3, Depth: 1, Mlp: 16, Channels: 3, Classes: 7, Pool: "gap", PreLogits: 5),
        new(Patch: 7, Grid: 2, HeadWidth: 8, Heads: 1, Depth: 3, Mlp: 12, Channels: 2, Classes: 3, Pool: "token", PreLogits: null),
    ];

    private static readonly Lazy<IReadOnlyList<GeneratedExperiment>> Catalog = new(() => GeneratorHarness.Catalog(GeneratorHarness.CompileAndLoad(
        "using ViTDsl;\nnamespace Same;\n[Experiments]\npublic static partial class Shapes\n{\n"
        + string.Join("\n", Shapes.Select((s, i) => "    " + s.ToDeclaration($"Shape{i}"))) + "\n}\n")));

    public static TheoryData<int, Precision> Cases => new()
    {
        { 0, Precision.Fp32 }, { 1, Precision.Fp32 }, { 2, Precision.Fp32 },
        { 0, Precision.Bf16 }, { 1, Precision.Bf16 }, { 2, Precision.Bf16 },
    };

    [Theory, MemberData(nameof(Cases))]
    public void A_generated_model_and_a_run_time_one_of_its_shape_are_the_same_module(int index, Precision precision)
    {
        var experiment = Catalog.Value.Single(e => e.Name == $"Shape{index}");
        var vit = experiment.Declaration.BuiltModel(); // the declared shape with the head bias its loss asks for
        Assert.Equal(Shapes[index].ToVit() with { Classifier = vit.Classifier }, vit);
        manual_seed(5);
        using var generated = experiment.BuildModel(null, precision);
        manual_seed(5);
        using var assembled = new AssembledVit(vit, precision: precision);

        Assert.NotEqual(typeof(AssembledVit), generated.GetType()); // the generated class, not the runtime's
        Assert.Equal(precision, generated.Precision);
        var expected = assembled.named_parameters().ToList();
        var actual = generated.named_parameters().ToList();
        Assert.Equal(expected.Select(p => (p.name, string.Join(",", p.parameter.shape))), actual.Select(p => (p.name, string.Join(",", p.parameter.shape))));
        Assert.All(expected.Zip(actual), pair => Assert.True(pair.First.parameter.equal(pair.Second.parameter).all().item<bool>(), pair.First.name));
        // The planned names and shapes (the Dsl's VitParts) are the module's.
        Assert.Equal(ParameterShapes.Of(vit).Select(s => s.ToString()).Order(), actual.Select(p => $"{p.name} [{string.Join(", ", p.parameter.shape)}]").Order());

        using var _ = no_grad();
        foreach (var model in new VitModule[] { generated, assembled })
                model.named_parameters().Single(p => p.name == "head.weight").parameter.fill_(0.25); // the zero kernel would hide the features
        manual_seed(6);
        using var images = randn(4, vit.Channels, vit.Image, vit.Image);
        using var expectedLogits = assembled.forward(images);
        using var actualLogits = generated.forward(images);
        Assert.True(expectedLogits.equal(actualLogits).all().item<bool>(), "the logits differ");
        Assert.False(actualLogits.isnan().any().item<bool>());
    }
}
