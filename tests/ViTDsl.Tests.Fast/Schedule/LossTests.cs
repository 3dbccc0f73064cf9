namespace ViTDsl.Tests.Schedule;

// The loss lives beside the schedule in this test folder: both are training-recipe semantics of the Dsl.
public class LossTests
{
    [Fact]
    public void Sigmoid_loss_starts_the_head_bias_at_minus_ten_softmax_at_zero()
    {
        Assert.Equal(-10.0, new Loss.Sigmoid().HeadBiasInit());
        Assert.Equal(0.0, new Loss.Softmax().HeadBiasInit());
        Assert.Equal(-10.0, new Classifier(10).InitialisedFor(new Loss.Sigmoid()).BiasInit);
        Assert.Equal(new Loss.Sigmoid(), new Experiment(Vit.Ti(16)).Loss); // the paper's JFT recipe
    }

    [Fact]
    public void A_classifier_bias_that_disagrees_with_the_loss_is_reported_with_the_fix()
    {
        var problem = Assert.Single(LossSemantics.Check(new Loss.Softmax(), new Classifier(10) { BiasInit = -10 }));
        Assert.Equal(DiagnosticKinds.BiasDisagreesWithLoss.Id, problem.Id);
        Assert.Contains("BiasInit = 0", problem.Message);
        Assert.Single(LossSemantics.Check(new Loss.Sigmoid(), new Classifier(10) { BiasInit = -5 }));
        Assert.Empty(LossSemantics.Check(new Loss.Sigmoid(), new Classifier(10))); // the default takes the loss's −10
        Assert.Empty(LossSemantics.Check(new Loss.Sigmoid(), new Classifier(10) { BiasInit = -10 }));
    }

    [Fact]
    public void The_trainer_bias_is_the_losss_unless_the_declaration_chose_one()
    {
        Assert.Equal(-10.0, new Loss.Sigmoid().HeadBiasInit(new Classifier(10)));
        Assert.Equal(0.0, new Loss.Softmax().HeadBiasInit(new Classifier(10)));
        Assert.Equal(-5.0, new Loss.Sigmoid().HeadBiasInit(new Classifier(10) { BiasInit = -5 }));
    }
}
