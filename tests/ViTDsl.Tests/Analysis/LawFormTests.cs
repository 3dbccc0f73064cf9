using ViTDsl.Runtime.Analysis;

namespace ViTDsl.Tests.Analysis;

/// <summary>
/// Every law form, M4 included: it recovers its own constants, extrapolates noisy data at least as well as scipy's
/// curve_fit of the same form, and backtesting tells the forms apart.
/// </summary>
public class LawFormTests(Xunit.Abstractions.ITestOutputHelper log)
{
    /// <summary>A true law of each form, all on x in 1e-3 … 1e4 (SyntheticLawFitTests.Draw), errors between ~0.05 and 0.9.</summary>
    internal static readonly IReadOnlyDictionary<LawForm, ScalingLaw> Truths = new Dictionary<LawForm, ScalingLaw>
    {
        [LawForm.PowerLaw] = new(LawForm.PowerLaw, 0.3, 0.12, 0, 0),
        [LawForm.PowerLawWithFloor] = new(LawForm.PowerLawWithFloor, 0.25, 0.4, 0.07, 0),
        [LawForm.Saturating] = new(LawForm.Saturating, 0.26, 0.35, 0.09, 0.01),
        // A sigmoid in log x from near the random-guess error of ten classes down to a floor of 0.1.
        [LawForm.M4] = new(LawForm.M4, 0.5, 0.6, 0.1, 0, Alpha: 1.5, E0: 0.9),
    };

    [Fact]
    public void M4_solution_satisfies_its_defining_equation()
    {
        foreach (var alpha in new[] { 0.3, 1.5, 4.0 })
        foreach (var x in Enumerable.Range(0, 57).Select(i => Math.Pow(10, -6 + 0.25 * i)))
        {
            var law = Truths[LawForm.M4] with { Alpha = alpha };
            double e = law.Predict(x);
            Assert.InRange(e, law.C, law.E0);
            // (E − E∞)/(E0 − E)^α = β·x^−c, checked in logs so tiny and huge sides weigh alike; the differences E − E∞
            // and E0 − E carry the rounding of E, magnified as E nears either end.
            double rounding = 1e-12 + 1e-15 * (e / (e - law.C) + alpha * law.E0 / (law.E0 - e));
            Assert.Equal(Math.Log(law.A) - law.B * Math.Log(x), Math.Log(e - law.C) - law.Alpha * Math.Log(law.E0 - e), rounding);
        }
        // α = 0 is the power law with floor.
        var floor = Truths[LawForm.M4] with { Alpha = 0 };
        Assert.Equal(0.1 + 0.5 * Math.Pow(7, -0.6), floor.Predict(7), 1e-12);
    }

    [Fact]
    public void M4_recovers_its_constants_from_noiseless_points()
    {
        var truth = Truths[LawForm.M4];
        // The log-error refit recovers the law's constants; the default, its authors' procedure, fixes its regression's
        // e0 column at 1 (the error of always being wrong) and so cannot return e0 = 0.9 exactly — it is tested against
        // an independent transcription of that procedure (M4_predicts_what_its_authors_procedure_predicts).
        var fit = ScalingLawFitter.Fit(SyntheticLawFitTests.Draw(truth, 0, 0, 15), LawForm.M4, new FitOptions { RefitM4 = true });
        log.WriteLine($"{fit.Law}  loss {fit.Loss:G3} grad {fit.GradientNorm:G3}");
        Assert.True(fit.Converged, $"gradient {fit.GradientNorm:G3}");
        Assert.Equal(truth.A, fit.Law.A, 1e-4 * truth.A);
        Assert.Equal(truth.B, fit.Law.B, 1e-4 * truth.B);
        Assert.Equal(truth.C, fit.Law.C, 1e-4 * truth.C);
        Assert.Equal(truth.Alpha, fit.Law.Alpha, 1e-4 * truth.Alpha);
        Assert.Equal(truth.E0, fit.Law.E0, 1e-4 * truth.E0);
    }

    private const int Points = 20, HeldOut = 5, DataSets = 10;
    private const double Noise = 0.01;

    private static double RmsLogError(IReadOnlyList<ScalingPoint> held, IReadOnlyList<double> predicted) =>
        Math.Sqrt(held.Select((p, i) => Math.Pow(Math.Log(predicted[i] / p.Error), 2)).Average());

    [Theory]
    [InlineData(LawForm.PowerLaw)]
    [InlineData(LawForm.PowerLawWithFloor)]
    [InlineData(LawForm.Saturating)]
    [InlineData(LawForm.M4)]
    internal void Extrapolates_noisy_data_at_least_as_well_as_scipy(LawForm form)
    {
        var sets = Enumerable.Range(0, DataSets).Select(seed => SyntheticLawFitTests.Draw(Truths[form], Noise, 100 + seed, Points)).ToList();
        var tasks = sets.Select(s => new ScipyOracle.Task(form, s.Take(Points - HeldOut).ToList(), s.Skip(Points - HeldOut).Select(p => p.Compute).ToList())).ToList();
        var scipy = ScipyOracle.Predict(tasks);
        var ours = new List<double>();
        var theirs = new List<double>();
        for (int i = 0; i < sets.Count; i++)
        {
            var held = sets[i].Skip(Points - HeldOut).ToList();
            // scipy fits the log error by least squares; for M4 that is the estimator of RefitM4, not the authors' procedure (the default).
            var fit = ScalingLawFitter.Fit(tasks[i].Train, form, new FitOptions { RefitM4 = true });
            ours.Add(RmsLogError(held, held.Select(p => fit.Law.Predict(p.Compute)).ToList()));
            // A baseline that gave up predicts nothing: count it as the worst miss ours could be compared with.
            theirs.Add(scipy[i] is { } s && s.All(double.IsFinite) ? RmsLogError(held, s) : double.PositiveInfinity);
        }
        log.WriteLine($"{form}: ours mean {ours.Average():P2} median {Median(ours):P2}; scipy mean {theirs.Average():P2} median {Median(theirs):P2}; failures {theirs.Count(double.IsInfinity)}");
        Assert.True(Median(ours) <= 1.05 * Median(theirs), $"ours {Median(ours):P2} vs scipy {Median(theirs):P2}");
    }

    /// <summary>
    /// ViTDsl's M4 is its authors' procedure: on noisy M4 curves its predictions of the held-out points are those of
    /// reference_m4_paper.py, an independent numpy transcription of the published method (issue 23 measured that
    /// procedure at 0.0284 RMS log error on 24 real ViT curves against 0.0360 for the previous global fit with a log
    /// refit). Three sets keep it to about half a minute: the numpy procedure takes 10⁵ small gradient steps per fit.
    /// </summary>
    [Fact]
    public void M4_predicts_what_its_authors_procedure_predicts()
    {
        var sets = Enumerable.Range(0, 3).Select(seed => SyntheticLawFitTests.Draw(Truths[LawForm.M4], Noise, 100 + seed, Points)).ToList();
        var tasks = sets.Select(s => new ScipyOracle.Task(LawForm.M4, s.Take(Points - HeldOut).ToList(), s.Skip(Points - HeldOut).Select(p => p.Compute).ToList())).ToList();
        var paper = ScipyOracle.Predict(tasks, "reference_m4_paper.py");
        for (int i = 0; i < sets.Count; i++)
        {
            var fit = ScalingLawFitter.Fit(tasks[i].Train, LawForm.M4);
            var ours = tasks[i].Predict.Select(fit.Law.Predict).ToList();
            log.WriteLine($"ours {string.Join(", ", ours.Select(v => v.ToString("G5")))}; paper {string.Join(", ", paper[i]!.Select(v => v.ToString("G5")))}");
            for (int j = 0; j < ours.Count; j++) Assert.Equal(paper[i]![j], ours[j], 1e-3 * paper[i]![j]);
        }
    }

    private static double Median(IEnumerable<double> values)
    {
        var v = values.Order().ToArray();
        return v.Length % 2 == 1 ? v[v.Length / 2] : 0.5 * (v[v.Length / 2 - 1] + v[v.Length / 2]);
    }

    [Theory]
    [InlineData(LawForm.PowerLaw)]
    [InlineData(LawForm.PowerLawWithFloor)]
    [InlineData(LawForm.Saturating)]
    [InlineData(LawForm.M4)]
    internal void Backtesting_selects_the_true_form_in_most_seeds(LawForm form)
    {
        var options = new AnalysisOptions { Bootstrap = null, HoldOut = HeldOut };
        var picks = new List<LawForm?>();
        // Six seeds keep the test to seconds (an M4 fit takes up to a second); 8 of 10 picked right when tuned with ten.
        for (int seed = 0; seed < 6; seed++)
        {
            var points = SyntheticLawFitTests.Draw(Truths[form], Noise, 200 + seed, Points);
            var analysis = ScalingAnalysis.AnalysePoints(points, "synthetic", options);
            log.WriteLine(string.Join("  ", analysis.Laws.Select(l => $"{l.Form} {l.FitTime.TotalMilliseconds:F0}/{l.TotalTime.TotalMilliseconds:F0} ms rms {l.Extrapolation?.RmsLogError:P2}")));
            picks.Add(analysis.Selected);
        }
        log.WriteLine($"{form}: {string.Join(", ", picks)}");
        Assert.True(picks.Count(p => p == form) >= 4, string.Join(", ", picks));
    }
}
