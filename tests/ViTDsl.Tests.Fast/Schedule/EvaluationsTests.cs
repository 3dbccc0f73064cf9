namespace ViTDsl.Tests.Schedule;

/// <summary>Periodic evaluations: log-spaced steps, and rules that refuse declarations that cannot be used.</summary>
public class EvaluationsTests
{
    [Fact]
    public void Default_evaluations_are_log_spaced_over_the_last_two_decades()
    {
        // round(800 · 0.01^(1 − i/11)), i = 0…10, computed by hand with Python; the 12th evaluation is the final one.
        Assert.Equal(new long[] { 8, 12, 18, 28, 43, 65, 99, 150, 228, 346, 526 }, Evaluations.Default.PeriodicSteps(800));
        // Successive steps grow by one ratio, 0.01^(−1/11) ≈ 1.52, within rounding.
        var steps = Evaluations.Default.PeriodicSteps(1_000_000);
        foreach (var (a, b) in steps.Zip(steps.Skip(1))) Assert.Equal(Math.Pow(100, 1.0 / 11), (double)b / a, 1e-3);
    }

    [Fact]
    public void A_short_run_evaluates_at_fewer_distinct_steps_and_never_at_step_zero_or_the_end()
    {
        // 30 · 0.01^(1 − i/11) rounds to 0, 0, 1, 1, 2, 2, 4, 6, 9, 13, 20.
        Assert.Equal(new long[] { 1, 2, 4, 6, 9, 13, 20 }, Evaluations.Default.PeriodicSteps(30));
        Assert.Empty(Evaluations.FinalOnly.PeriodicSteps(800));
    }

    [Theory]
    [InlineData(0, 0.01)]
    [InlineData(1001, 0.01)]
    [InlineData(12, 0.0)]
    [InlineData(12, 1.0)]
    [InlineData(12, double.NaN)]
    public void Unusable_evaluations_are_a_build_error_that_names_the_fix(int points, double first)
    {
        var problems = ExperimentRules.Check(new Experiment(Vit.Ti(16)) { Evaluations = new Evaluations(points, first) });
        var problem = Assert.Single(problems);
        Assert.Equal(DiagnosticKinds.BadEvaluations.Id, problem.Id);
        Assert.Equal(nameof(Experiment.Evaluations), problem.Member);
        Assert.Contains(points is < 1 or > 1000 ? "1…1000" : "strictly between 0 and 1", problem.Message);
    }

    [Fact]
    public void Evaluations_do_not_split_a_lineage()
    {
        var experiment = new Experiment(Vit.Ti(16));
        Assert.Equal(Lineage.KeyOf(experiment), Lineage.KeyOf(experiment with { Evaluations = Evaluations.FinalOnly }));
    }
}
