using ViTDsl.Runtime.Analysis.Findings;

namespace ViTDsl.Tests.Findings;

// The rules that decide every verdict, on per-seed differences whose answer is known by construction.
public class VerdictRuleTests
{
    [Fact]
    public void The_t_interval_over_seeds_is_the_textbook_one()
    {
        // Oracle: mean 2, sample sd 1, n 3; t(0.975, 2 df) = 4.302653 from a t-table, half-width 4.302653/√3.
        var e = SeedEstimate.Of([1.0, 2.0, 3.0]);
        Assert.Equal(2.0, e.Mean, 12);
        Assert.Equal(2.0 - 2.484138, e.Interval.Lower, 5);
        Assert.Equal(2.0 + 2.484138, e.Interval.Upper, 5);
        Assert.Equal(3, e.Seeds);
    }

    [Fact]
    public void One_seed_has_no_interval_so_no_rule_can_decide_from_it()
    {
        var e = SeedEstimate.Of([0.3]);
        Assert.True(double.IsNegativeInfinity(e.Interval.Lower) && double.IsPositiveInfinity(e.Interval.Upper));
        Assert.Equal(Verdict.Inconclusive, new VerdictRule.Better().Decide([0.3]).Verdict);
        Assert.Equal(Verdict.Inconclusive, new VerdictRule.Matches(0.02).Decide([0.0]).Verdict);
    }

    [Fact]
    public void No_seed_at_all_is_refused_with_what_to_do()
    {
        var e = Assert.Throws<ArgumentException>(() => SeedEstimate.Of([]));
        Assert.Contains("no finished trial", e.Message);
    }

    [Theory]
    [InlineData(new[] { 0.050, 0.060, 0.055, 0.052 }, Verdict.Reproduced)]        // a clear win for the claim
    [InlineData(new[] { -0.050, -0.060, -0.055, -0.052 }, Verdict.NotReproduced)] // a clear loss
    [InlineData(new[] { 0.010, -0.012, 0.004, -0.003 }, Verdict.Inconclusive)]    // a tie within the seeds' noise
    internal void Better_claims_read_the_interval_against_zero(double[] differences, Verdict expected) =>
        Assert.Equal(expected, new VerdictRule.Better().Decide(differences).Verdict);

    [Theory]
    [InlineData(new[] { 0.001, -0.002, 0.0015, 0.0 }, Verdict.Reproduced)]  // equal within a tight interval
    [InlineData(new[] { 0.050, 0.060, 0.055, 0.052 }, Verdict.NotReproduced)] // clearly worse
    [InlineData(new[] { -0.050, -0.060, -0.055 }, Verdict.NotReproduced)]     // clearly better is not "matches" either
    [InlineData(new[] { 0.030, -0.020, 0.010 }, Verdict.Inconclusive)]        // too noisy to tell
    internal void Matches_claims_read_the_interval_against_the_margin(double[] differences, Verdict expected) =>
        Assert.Equal(expected, new VerdictRule.Matches(Margin: 0.02).Decide(differences).Verdict);

    [Theory]
    [InlineData(new[] { Verdict.Reproduced, Verdict.Reproduced }, Verdict.Reproduced)]
    [InlineData(new[] { Verdict.Reproduced, Verdict.Inconclusive }, Verdict.Inconclusive)]
    [InlineData(new[] { Verdict.Inconclusive, Verdict.NotReproduced }, Verdict.NotReproduced)]
    internal void A_claim_of_several_comparisons_needs_all_of_them(Verdict[] parts, Verdict expected) =>
        Assert.Equal(expected, Verdicts.Combine(parts));
}
