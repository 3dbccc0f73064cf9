namespace ViTDsl.Tests.Schedule;

public class TrainingRulesTests
{
    [Fact]
    public void The_default_experiment_follows_the_paper_and_satisfies_the_training_rules()
    {
        var e = new Experiment(Vit.Ti(16));
        Assert.Equal(1_000_000, e.Steps);
        Assert.Equal(4096, e.Data.Batch);
        Assert.True(e.Data.Flip && e.Data.Crop);
        Assert.Equal(new DataSet.FashionMnist(), e.Data.Set);
        Assert.Empty(TrainingRules.Check(e));
    }

    [Fact]
    public void A_short_run_a_bad_batch_and_a_disagreeing_bias_are_each_reported()
    {
        var e = new Experiment(Vit.Ti(16) with { Classifier = new(10) { BiasInit = -3 } })
        {
            Steps = 30_000,
            Data = new ViTDsl.Data(new DataSet.FashionMnist()) { Batch = 0 },
        };
        Assert.Equal(new[] { DiagnosticKinds.PhasesExceedRun.Id, DiagnosticKinds.DataNotPositive.Id, DiagnosticKinds.BiasDisagreesWithLoss.Id },
            TrainingRules.Check(e).Select(p => p.Id));
    }
}
