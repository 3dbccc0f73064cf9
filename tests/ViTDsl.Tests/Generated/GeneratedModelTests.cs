using ViTDsl.Experiments.Paper;
using static TorchSharp.torch;

namespace ViTDsl.Tests.Generated;

public class GeneratedModelTests
{
    public static TheoryData<string> Names => new(ExperimentCatalogAccess.All.Select(e => e.Name));

    [Theory, MemberData(nameof(Names))]
    public void The_module_has_exactly_the_planned_parameters(string name)
    {
        var experiment = ExperimentCatalogAccess.All.Single(e => e.Name == name);
        // The meta device gives shapes without memory, so g/14 and G/14 are counted for free.
        using var model = experiment.CreateModel(device("meta"));
        Assert.Equal(experiment.Facts.TotalParameters, model.CountParameters());
        Assert.Equal(ParameterCount.Total(experiment.Declaration.Model), experiment.Facts.TotalParameters);
    }

    [Fact]
    public void The_plan_carries_the_same_value_as_the_declaration_evaluated_at_run_time()
    {
        Assert.Equal(Table2.Vit_B16, Table2.Vit_B16Plan.Declaration);
        Assert.Equal(Table2.Vit_G14, Table2.Vit_G14Plan.Declaration);
        Assert.Equal(PlanFacts.Of(Table2.Vit_L16), Table2.Vit_L16Plan.Facts);
    }

    [Fact]
    public void A_generated_model_classifies_a_batch()
    {
        using var model = Table2.Vit_s28Plan.CreateModel();
        using var images = randn(2, 3, 224, 224);
        using var logits = model.forward(images);
        using var pooled = model.Pooled(images);
        Assert.Equal(new long[] { 2, Table2.Vit_s28Plan.Classes }, logits.shape);
        Assert.Equal(new long[] { 2, Table2.Vit_s28Plan.Width }, pooled.shape);
        // The classifier kernel starts at zero and, under the paper's sigmoid loss, the bias at −10 (docs/reference.md §2):
        // every logit is exactly −10 whatever the image.
        Assert.Equal(-10f, logits.min().item<float>());
        Assert.Equal(-10f, logits.max().item<float>());
    }
}
