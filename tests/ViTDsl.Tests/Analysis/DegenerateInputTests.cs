using ViTDsl.Runtime.Analysis;

namespace ViTDsl.Tests.Analysis;

public class DegenerateInputTests
{
    private static readonly ScalingPoint[] Good = [new(1, 0.5), new(10, 0.3), new(100, 0.2), new(1000, 0.15), new(1e4, 0.13)];

    [Fact]
    public void Fewer_points_than_parameters_is_refused()
    {
        var e = Assert.Throws<ArgumentException>(() => ScalingLawFitter.Fit(Good[..3], LawForm.Saturating));
        Assert.Contains("4 parameters", e.Message);
        Assert.Contains("only 3 point", e.Message);
        // The same three points are enough for the 3-parameter form.
        Assert.True(ScalingLawFitter.Fit(Good[..3], LawForm.PowerLawWithFloor).Loss < 1e-6);
    }

    [Theory]
    [InlineData(0.0, 0.2, "compute")]
    [InlineData(-5.0, 0.2, "compute")]
    [InlineData(double.NaN, 0.2, "compute")]
    [InlineData(double.PositiveInfinity, 0.2, "compute")]
    [InlineData(50.0, 0.0, "error")]
    [InlineData(50.0, -0.1, "error")]
    [InlineData(50.0, double.NaN, "error")]
    public void Non_positive_or_non_finite_values_are_refused(double compute, double error, string named)
    {
        var points = Good.Append(new ScalingPoint(compute, error)).ToArray();
        var e = Assert.Throws<ArgumentException>(() => ScalingLawFitter.Fit(points, LawForm.Saturating));
        Assert.Contains($"Point 5 has {named}", e.Message);
        Assert.Contains("positive finite", e.Message);
    }

    [Fact]
    public void A_single_compute_value_is_refused()
    {
        ScalingPoint[] same = [new(10, 0.5), new(10, 0.4), new(10, 0.3), new(10, 0.35)];
        var e = Assert.Throws<ArgumentException>(() => ScalingLawFitter.Fit(same, LawForm.Saturating));
        Assert.Contains("same compute", e.Message);
    }

    [Fact]
    public void Extrapolation_refuses_a_holdout_that_leaves_too_few_points()
    {
        var e = Assert.Throws<ArgumentException>(() => Extrapolation.Check(Good, LawForm.Saturating, holdOut: 2));
        Assert.Contains("fewer than the 4 parameters", e.Message);
    }

    [Fact]
    public void Pareto_frontier_keeps_only_runs_no_cheaper_run_beats()
    {
        ScalingPoint[] runs = [new(10, 0.3), new(1, 0.5), new(5, 0.6), new(10, 0.25), new(100, 0.28), new(200, 0.2)];
        Assert.Equal([new(1, 0.5), new(10, 0.25), new(200, 0.2)], ParetoFrontier.Of(runs));
    }
}
