namespace ViTDsl.Tests.Analysis;

// A few-shot declaration that cannot be probed is a declaration problem (VIT241), named with its fix.
public class FewShotRulesTests
{
    private static readonly Experiment Grayscale = new(Vit.Ti(16) with { Image = 28, Patch = 7, Channels = 1 });

    [Fact]
    public void The_default_declares_the_papers_probes_on_the_upstream_and_mnist_digits()
    {
        var fewShot = Assert.IsType<FewShot>(Grayscale.FewShot);
        Assert.Equal([1, 5, 10, 25], fewShot.Shots);
        Assert.Equal(3, fewShot.Seeds);
        Assert.Equal([new DataSet.FashionMnist(), new DataSet.MnistDigits()], fewShot.Targets(Grayscale.Data.Set));
        Assert.Empty(FewShotRules.Check(Grayscale));
        Assert.Empty(FewShotRules.Check(new Experiment(Vit.B(16)))); // grayscale digits are replicated to RGB
        Assert.Empty(FewShotRules.Check(Grayscale with { FewShot = null }));
    }

    [Theory]
    [InlineData(0, 3, "FewShot.Shots holds 0")]
    [InlineData(10, 0, "FewShot.Seeds is 0")]
    public void Shots_and_seeds_must_be_positive(int shots, int seeds, string message)
    {
        var problem = Assert.Single(FewShotRules.Check(Grayscale with { FewShot = new FewShot { Shots = ValueList.Of(shots), Seeds = seeds } }));
        Assert.Equal(DiagnosticKinds.BadFewShot.Id, problem.Id);
        Assert.Equal(nameof(Experiment.FewShot), problem.Member);
        Assert.Contains(message, problem.Message);
    }

    [Fact]
    public void Empty_or_repeated_shot_counts_and_nothing_to_probe_are_problems()
    {
        Assert.Contains("at least one shot count", Assert.Single(FewShotRules.Check(Grayscale with { FewShot = new FewShot { Shots = ValueList<int>.Empty } })).Message);
        Assert.Contains("10 more than once", Assert.Single(FewShotRules.Check(Grayscale with { FewShot = new FewShot { Shots = ValueList.Of(10, 10) } })).Message);
        Assert.Contains("probes nothing", Assert.Single(FewShotRules.Check(Grayscale with
        {
            FewShot = new FewShot { Upstream = false, DataSets = ValueList<DataSet>.Empty },
        })).Message);
    }

    [Fact]
    public void A_target_whose_channels_cannot_reach_the_model_is_a_problem_but_any_size_is_resized()
    {
        var rgb = new DataSet.Synthetic(100, 20, 4) { Channels = 3, Side = 64 };
        var problem = Assert.Single(FewShotRules.Check(Grayscale with { FewShot = new FewShot { DataSets = ValueList.Of<DataSet>(rgb) } }));
        Assert.Contains("3-channel images but the model takes 1", problem.Message);
        // The same target fed to an RGB model of another image size is fine: it is resized, as big_vision does.
        Assert.Empty(FewShotRules.Check(new Experiment(Vit.Ti(16)) { FewShot = new FewShot { DataSets = ValueList.Of<DataSet>(rgb) } }));
    }

    [Fact]
    public void Two_targets_recorded_under_one_name_are_a_problem()
    {
        var synthetic = Grayscale with { Data = new ViTDsl.Data(new DataSet.Synthetic(100, 20, 4)) };
        var other = new DataSet.Synthetic(100, 20, 4) { Seed = 5 };
        var problem = Assert.Single(FewShotRules.Check(synthetic with { FewShot = new FewShot { DataSets = ValueList.Of<DataSet>(other) } }));
        Assert.Contains("would both be recorded as 'synthetic'", problem.Message);
        // Declaring the upstream data set again as a target is not a clash: it is probed once.
        Assert.Empty(FewShotRules.Check(Grayscale with { FewShot = new FewShot { DataSets = ValueList.Of<DataSet>(new DataSet.FashionMnist()) } }));
    }
}
