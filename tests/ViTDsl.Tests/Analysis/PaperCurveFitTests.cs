using ViTDsl.Runtime.Analysis;

namespace ViTDsl.Tests.Analysis;

/// <summary>Points sampled from the curves reported for the paper (docs/reference.md §8) fit back to those constants.</summary>
public class PaperCurveFitTests
{
    // Compute spans 1e-3 … 1e4 core-days: the shift d (0.01, 0.52) only shows where C is comparable to it, so the
    // sample must reach below d for d to be identifiable at all.
    private static IReadOnlyList<ScalingPoint> Sample(ScalingLaw law, int n = 15) =>
        Enumerable.Range(0, n).Select(i => Math.Pow(10, -3 + 7.0 * i / (n - 1)))
            .Select(c => new ScalingPoint(c, law.Predict(c))).ToList();

    [Theory]
    [InlineData(0.26, 0.35, 0.09, 0.01)] // ImageNet fine-tune: E = 0.09 + 0.26(C + 0.01)^−0.35
    [InlineData(0.63, 0.32, 0.12, 0.52)] // ImageNet 10-shot:   E = 0.12 + 0.63(C + 0.52)^−0.32
    public void Saturating_law_recovers_the_papers_constants(double a, double b, double c, double d)
    {
        var truth = new ScalingLaw(LawForm.Saturating, a, b, c, d);
        var fit = ScalingLawFitter.Fit(Sample(truth), LawForm.Saturating);

        Assert.True(fit.Converged, $"final gradient {fit.GradientNorm:G3} above tolerance");
        Assert.Equal(a, fit.Law.A, 1e-4 * a);
        Assert.Equal(b, fit.Law.B, 1e-4 * b);
        Assert.Equal(c, fit.Law.C, 1e-4 * c);
        Assert.Equal(d, fit.Law.D, 1e-3 * d);
    }

    [Fact]
    public void Fit_is_unit_free_FLOPs_give_the_same_law_rescaled()
    {
        // The same curve with compute in FLOPs instead of core-days (1 core-day = 61.5e12 · 86400 FLOPs): a scales by
        // s^b and d by s, everything else is unchanged. Checks the internal rescaling, which keeps 1e18 well-conditioned.
        var truth = new ScalingLaw(LawForm.Saturating, 0.26, 0.35, 0.09, 0.01);
        double s = 61.5e12 * 86_400;
        var flops = Sample(truth).Select(p => p with { Compute = p.Compute * s }).ToList();
        var fit = ScalingLawFitter.Fit(flops, LawForm.Saturating);
        Assert.Equal(0.26 * Math.Pow(s, 0.35), fit.Law.A, 1e-3 * 0.26 * Math.Pow(s, 0.35));
        Assert.Equal(0.35, fit.Law.B, 1e-4);
        Assert.Equal(0.09, fit.Law.C, 1e-5);
        Assert.Equal(0.01 * s, fit.Law.D, 1e-3 * 0.01 * s);
    }

    [Fact]
    public void Nested_forms_fit_their_own_curves_exactly()
    {
        var power = new ScalingLaw(LawForm.PowerLaw, 0.8, 0.3, 0, 0);
        var floor = new ScalingLaw(LawForm.PowerLawWithFloor, 0.5, 0.4, 0.07, 0);
        var pf = ScalingLawFitter.Fit(Sample(power, 8), LawForm.PowerLaw);
        var ff = ScalingLawFitter.Fit(Sample(floor, 8), LawForm.PowerLawWithFloor);
        Assert.Equal(0.8, pf.Law.A, 1e-6);
        Assert.Equal(0.3, pf.Law.B, 1e-6);
        Assert.Equal(0.5, ff.Law.A, 1e-5);
        Assert.Equal(0.4, ff.Law.B, 1e-5);
        Assert.Equal(0.07, ff.Law.C, 1e-6);
    }
}
