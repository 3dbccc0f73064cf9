using ViTDsl.Runtime.Analysis;

namespace ViTDsl.Tests.Analysis;

/// <summary>
/// Intervals that mean what they say: over many data sets drawn from a known law, the 90% and 95% intervals hold the
/// truth 90% and 95% of the time.
/// </summary>
public class IntervalCoverageTests(Xunit.Abstractions.ITestOutputHelper log)
{
    /// <summary>
    /// 500 data sets of 12 points (x from 1e-3 to 1e4) with 2% log-normal noise, drawn from the power law with floor —
    /// the cheapest form whose constants interact (floor against exponent) — fitted with the default options. Seen:
    /// 90% intervals held b, c and the error at 10× beyond the data 87.2%, 88.2%, 88.6% of the time, 95% intervals
    /// 93.6%, 93.6%, 94.0% (a plain least-squares fit: 87.8/89.4/89.8 and 93.8/94.2/94.2). The binomial standard
    /// error of a rate over 500 sets is 1.3 points at 90%, so ±3 points is the bound, not slack.
    /// </summary>
    [Theory]
    [InlineData(LawForm.PowerLawWithFloor, 500)]
    internal void Delta_method_intervals_cover_the_truth_at_their_nominal_rate(LawForm form, int dataSets)
    {
        var truth = LawFormTests.Truths[form];
        string[] names = ["b", "c", "E(10x beyond)"];
        var hits = new Dictionary<double, int[]> { [0.9] = new int[3], [0.95] = new int[3] };
        double far = 1e5;
        for (int i = 0; i < dataSets; i++)
        {
            var points = SyntheticLawFitTests.Draw(truth, 0.02, 5000 + i, 12);
            var fit = ScalingLawFitter.Fit(points, form);
            foreach (var (level, count) in hits)
            {
                var d = DeltaMethod.Of(points, fit, level);
                bool[] inside = [d.Parameter(1).Contains(truth.B), d.Parameter(2).Contains(truth.C), d.PredictionAt(far).Contains(truth.Predict(far))];
                for (int k = 0; k < 3; k++) if (inside[k]) count[k]++;
            }
        }
        foreach (var (level, count) in hits)
            log.WriteLine($"{level:P0}: " + string.Join(", ", names.Select((n, k) => $"{n} {(double)count[k] / dataSets:P1}")));
        foreach (var (level, count) in hits)
            Assert.All(count, c => Assert.InRange((double)c / dataSets, level - 0.03, level + 0.03));
    }

    /// <summary>
    /// The other forms, replaying the first data sets of the 500-set runs in docs/coverage.md (made by
    /// <c>vitdsl bench coverage</c>, where every rate of every form lay within ±3 points of nominal). Fewer sets keep this
    /// to seconds, so the bound is three binomial standard errors of the rate at that many sets (never under the issue's
    /// 3 points): exact intervals pass it with probability 99.7% per rate, and it still fails intervals whose 90% covers
    /// under 85% (power law, 300 sets), 82% (saturating, 120) or 76% (M4, 40). M4's intervals (its authors' estimator) are
    /// conservative — 96–100% at 90% over 200 sets — which the bound of 40 sets still admits; docs/coverage.md says so. To stay fast the saturating law is fitted
    /// from the 8 starts of <see cref="SyntheticLawFitTests.CoarseGrid"/> instead of 64.
    /// </summary>
    [Theory]
    [InlineData(LawForm.PowerLaw, 300)]
    [InlineData(LawForm.Saturating, 120)]
    [InlineData(LawForm.M4, 40)]
    internal void Every_form_covers_at_its_nominal_rate_on_fewer_sets(LawForm form, int dataSets)
    {
        var fit = form == LawForm.Saturating ? SyntheticLawFitTests.CoarseGrid : null;
        var setup = new CoverageSetup(CoverageSimulation.Truths[form], Sets: dataSets);
        var rates = CoverageSimulation.DeltaMethod(setup, [0.9, 0.95], fit);
        foreach (var r in rates) log.WriteLine($"{r.Level:P0} {r.Quantity}: {r.Rate:P1} of {r.Sets}");
        Assert.Equal(2 * CoverageSimulation.Truths[form].FreeIndices.Count, rates.Count); // every constant but a, and E far out, at two levels
        Assert.All(rates, r => Assert.InRange(r.Rate, r.Level - Math.Max(0.03, 3 * r.StandardError), r.Level + Math.Max(0.03, 3 * r.StandardError)));
    }

    /// <summary>
    /// The hard cases of docs/coverage.md (<c>vitdsl bench coverage --form floor --case all --sets 200</c>), replayed on
    /// their first 60 data sets: each rate lies within three binomial standard errors (at that many identified sets) of the
    /// rate published from 200 sets — the table is what the command measures, including where the delta method
    /// undercovers (noise growing 5× with x), and the identified share matches too.
    /// </summary>
    [Theory]
    [InlineData("6-points", 0.950, 0.963, 0.937, 0.921)]
    [InlineData("8-points", 0.975, 0.918, 0.892, 0.887)]
    [InlineData("heteroscedastic", 0.870, 0.931, 0.799, 0.805)]
    [InlineData("pareto", 0.995, 0.930, 0.910, 0.915)]
    public void Hard_cases_reproduce_the_published_coverage(string name, double identified, double b, double c, double far)
    {
        var setup = CoverageSimulation.Cases[name](new CoverageSetup(CoverageSimulation.Truths[LawForm.PowerLawWithFloor], Sets: 60));
        var rates = CoverageSimulation.DeltaMethod(setup, [0.9]);
        foreach (var r in rates) log.WriteLine($"{name} {r.Quantity}: {r.Rate:P1} of {r.Sets} identified of {r.Drawn}");
        double Tolerance(double p, int n) => 3 * Math.Sqrt(p * (1 - p) / n) + 1.0 / n;
        Assert.InRange(rates[0].IdentifiedShare, identified - Tolerance(identified, 60), identified + Tolerance(identified, 60));
        foreach (var (rate, published) in rates.Zip(new[] { b, c, far }))
            Assert.InRange(rate.Rate, published - Tolerance(published, rate.Sets), published + Tolerance(published, rate.Sets));
    }

    /// <summary>
    /// The default fit's prediction band (docs/coverage.md, "The fit's prediction band"): on the saturating truth, where
    /// every form is identified in most sets, the published 500-set-style run (200 sets) had a band in 93.0% of sets and
    /// held the truth 10× beyond the data in 98.9% of them at 90%; the first 40 of those sets reproduce both within their
    /// binomial tolerance — a band that stopped covering, or stopped being drawn, fails.
    /// </summary>
    [Fact]
    public void The_fit_band_reproduces_its_published_coverage()
    {
        var setup = new CoverageSetup(CoverageSimulation.Truths[LawForm.Saturating], Sets: 40);
        var rate = CoverageSimulation.FitBand(setup, [0.9], threads: 2).Single();
        log.WriteLine($"{rate.Quantity}: {rate.Rate:P1} of {rate.Sets} banded of {rate.Drawn}");
        double Tolerance(double p, int n) => 3 * Math.Sqrt(p * (1 - p) / n) + 1.0 / n;
        Assert.InRange(rate.IdentifiedShare, 0.930 - Tolerance(0.930, 40), 0.930 + Tolerance(0.930, 40));
        Assert.InRange(rate.Rate, 0.989 - Tolerance(0.989, rate.Sets), 1.0);
    }
}
