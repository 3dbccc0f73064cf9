using MathNet.Numerics.Distributions;
using ViTDsl.Runtime.Analysis.Findings;

namespace ViTDsl.Tests.Findings;

// The seed plan: the half-width it promises is the textbook one, and studies run with the planned seeds achieve it.
public class PowerPlanTests
{
    [Fact]
    public void The_expected_half_width_is_t_times_c4_times_sigma_over_root_n()
    {
        // Hand oracle for n = 3: t(0.975, 2) = 4.302653 (t-table), c4(3) = √(2/2)·Γ(1.5)/Γ(1) = √π/2 = 0.886227.
        Assert.Equal(4.302653 * 0.886227 / Math.Sqrt(3), PowerPlan.ExpectedHalfWidthFor(1.0, 3), 5);
    }

    [Fact]
    public void The_plan_takes_the_fewest_seeds_that_reach_half_the_margin()
    {
        // Spread 0.01, margin 0.02 → target 0.01, i.e. t(n−1)·c4(n)/√n ≤ 1. By hand: n = 5: 2.7764·0.9400/√5 = 1.167;
        // n = 6: 2.5706·0.9515/√6 = 0.9986. So 6 seeds.
        var plan = PowerPlan.For(pilotSpread: 0.01, pilotSeeds: 3, margin: 0.02, maxSeeds: 10);
        Assert.Equal(6, plan.Seeds);
        Assert.Equal(6, plan.SeedsNeeded);
        Assert.True(plan.Affordable);
        Assert.Equal(0.01, plan.TargetHalfWidth, 12);
        Assert.InRange(plan.ExpectedHalfWidth, 0.0099, 0.01);
    }

    [Fact]
    public void A_comparison_that_needs_more_seeds_than_declared_is_unaffordable_and_says_how_many()
    {
        var plan = PowerPlan.For(pilotSpread: 0.04, pilotSeeds: 3, margin: 0.02, maxSeeds: 10);
        Assert.False(plan.Affordable);
        Assert.Equal(10, plan.Seeds);
        Assert.True(plan.SeedsNeeded > 50, $"needs {plan.SeedsNeeded}"); // (t·0.04/√n ≤ 0.01 ⇒ n ≳ 62)
        Assert.InRange(plan.SeedsNeeded, 60, 70);
    }

    [Fact]
    public void A_quiet_pilot_needs_no_more_seeds_than_it_ran()
    {
        Assert.Equal(3, PowerPlan.For(pilotSpread: 0.001, pilotSeeds: 3, margin: 0.02, maxSeeds: 10).Seeds);
    }

    [Theory]
    [InlineData(0.010, 0.02, 0.95)]
    [InlineData(0.006, 0.02, 0.975)] // a Bonferroni-corrected part of a two-part claim
    [InlineData(0.030, 0.10, 0.95)]
    public void Simulated_studies_with_the_planned_seeds_achieve_the_promised_half_width(double sigma, double margin, double level)
    {
        // Oracle: many simulated studies drawn with the true spread σ, each with the planned number of seeds; their mean
        // t-interval half-width must equal the plan's expectation within 4 standard errors of the simulation.
        var plan = PowerPlan.For(sigma, pilotSeeds: 3, margin, maxSeeds: 50, level);
        var random = new Random(17);
        var normal = new Normal(0.005, sigma, random);
        var halfWidths = Enumerable.Range(0, 4000).Select(_ =>
            SeedEstimate.Of(Enumerable.Range(0, plan.Seeds).Select(_ => normal.Sample()).ToList(), level).HalfWidth).ToList();
        double mean = halfWidths.Average();
        double se = Math.Sqrt(halfWidths.Sum(h => (h - mean) * (h - mean)) / (halfWidths.Count - 1) / halfWidths.Count);
        Assert.InRange(mean, plan.ExpectedHalfWidth - 4 * se, plan.ExpectedHalfWidth + 4 * se);
        Assert.True(plan.ExpectedHalfWidth <= margin / 2);
    }

    [Fact]
    public void Bonferroni_splits_the_error_rate_over_a_claims_parts()
    {
        Assert.Equal(0.975, new VerdictRule.Matches(0.02).PerPart(2).Level, 12);
        Assert.Equal(1 - 0.05 / 3, new VerdictRule.Better().PerPart(3).Level, 12);
        // A wider interval: a difference that one comparison at 95% calls "better" can be inconclusive at 98.3%.
        double[] differences = [0.010, 0.004, 0.012, 0.006];
        Assert.Equal(Verdict.Reproduced, new VerdictRule.Better().Decide(differences).Verdict);
        Assert.True(new VerdictRule.Better().PerPart(3).Decide(differences).Difference.HalfWidth > new VerdictRule.Better().Decide(differences).Difference.HalfWidth);
    }

    [Theory]
    [InlineData(new[] { 0.03, 0.05, 0.04, 0.02 }, Verdict.Reproduced)]  // misses of 2–5%, well under 10%
    [InlineData(new[] { 0.26, 0.36, 0.26, 0.36 }, Verdict.NotReproduced)] // ±30% misses, as absolute log errors
    [InlineData(new[] { 0.02, 0.25, 0.05 }, Verdict.Inconclusive)]
    internal void Below_claims_read_the_interval_against_the_bound(double[] values, Verdict expected) =>
        Assert.Equal(expected, new VerdictRule.Below(0.10).Decide(values).Verdict);
}
