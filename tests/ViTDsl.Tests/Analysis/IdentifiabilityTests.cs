using ViTDsl.Runtime.Analysis;

namespace ViTDsl.Tests.Analysis;

/// <summary>
/// A fit whose constants the points do not determine says so, with its reason, and reports no interval — never one of
/// width zero (issue 23: a floor pinned to the best run was claimed to ±1.5%, a shift at its start value to [1522, 1522]).
/// </summary>
public class IdentifiabilityTests(Xunit.Abstractions.ITestOutputHelper log)
{
    private static LawAnalysis Analyse(IReadOnlyList<ScalingPoint> points, LawForm form) =>
        ScalingAnalysis.AnalysePoints(points, "test", new AnalysisOptions { Forms = [form], HoldOut = 0 }).Laws.Single();

    [Theory]
    [InlineData(LawForm.PowerLaw)]
    [InlineData(LawForm.PowerLawWithFloor)]
    [InlineData(LawForm.Saturating)]
    internal void As_many_points_as_constants_is_not_identified_and_no_interval_has_width_zero(LawForm form)
    {
        int k = ScalingLaw.ParameterCountOf(form);
        // Points off a saturating curve: the law with k constants can pass through k of them exactly.
        var points = Enumerable.Range(0, k).Select(i => new ScalingPoint(Math.Pow(10, i), 0.09 + 0.3 * Math.Pow(Math.Pow(10, i) + 0.5, -0.4))).ToList();
        var law = Analyse(points, form);
        log.WriteLine($"{law.Fit.Law}: {law.Identification}");
        Assert.False(law.Identification.Identified);
        Assert.Contains(law.Identification.Reasons, r => r.StartsWith($"{k} points for {k} constants", StringComparison.Ordinal));
        Assert.Null(law.Intervals);
        // The delta method asked directly has no residual degrees of freedom: it answers "unbounded", not a point.
        var delta = DeltaMethod.Of(points, law.Fit);
        foreach (int i in law.Fit.Law.FreeIndices)
            Assert.True(double.IsPositiveInfinity(delta.Parameter(i).Upper), $"{ScalingLaw.Names[i]}: {delta.Parameter(i)}");
        Assert.True(double.IsPositiveInfinity(delta.PredictionAt(1e5).Upper));
    }

    [Fact]
    public void A_floor_at_the_best_observation_is_not_identified()
    {
        // The frontier shape: five runs whose best one the floor law meets exactly. The fit puts c = 0.1414 above
        // the best run (0.141), and the delta method would claim it to ±5%; only that one run comes within the noise of it.
        ScalingPoint[] points = [new(1, 0.35), new(2, 0.2), new(4, 0.16), new(8, 0.148), new(16, 0.141)];
        var law = Analyse(points, LawForm.PowerLawWithFloor);
        log.WriteLine($"{law.Fit.Law}: {law.Identification}");
        Assert.False(law.Identification.Identified);
        Assert.Contains(law.Identification.Reasons, r => r.StartsWith("the floor c = ", StringComparison.Ordinal) && r.Contains("best observed error 0.141"));
        Assert.Null(law.Intervals);
        // In place of the delta method's interval, the floor's profile-likelihood interval: wide (2 degrees of freedom)
        // and around the estimate, never a point.
        var profile = law.FloorProfile!;
        log.WriteLine($"profile {profile}");
        Assert.Equal(ProfileLikelihood.Floor(points, law.Fit)!.Interval, profile.Interval);
        Assert.InRange(law.Fit.Law.C, profile.Interval.Lower, profile.Interval.Upper);
        Assert.True(profile.Interval.Width > 0.01 * law.Fit.Law.C, profile.ToString());
    }

    [Fact]
    public void Fit_prints_the_floors_profile_interval_where_the_fit_is_not_identified()
    {
        var dir = Directory.CreateTempSubdirectory("vitdsl-profile-").FullName;
        try
        {
            var path = Path.Combine(dir, "points.csv");
            File.WriteAllLines(path, ["compute,error", "1,0.35", "2,0.2", "4,0.16", "8,0.148", "16,0.141"]);
            var output = new StringWriter();
            var command = ViTDsl.Cli.AnalysisCommands.Fit();
            int code = ViTDsl.Cli.CliApp.Run(new System.CommandLine.RootCommand("test root") { command },
                [command.Name, "--points", path, "--form", "floor", "--holdout", "0"], output, new StringWriter());
            log.WriteLine(output.ToString());
            Assert.Equal(0, code);
            var expected = ScalingAnalysis.AnalysePoints(PointTable.Read(path), path, new AnalysisOptions { Forms = [LawForm.PowerLawWithFloor], HoldOut = 0 })
                .Laws.Single().FloorProfile!;
            Assert.Contains($"c: 95% profile-likelihood interval {expected}", output.ToString());
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void A_floor_measured_by_a_plateau_of_runs_is_identified()
    {
        // Three runs within noise of the floor measure it by their average: the floor is a property of the data, not one run.
        ScalingPoint[] points = [new(1, 0.3), new(2, 0.16), new(4, 0.142), new(8, 0.1412), new(16, 0.141)];
        var law = Analyse(points, LawForm.PowerLawWithFloor);
        log.WriteLine($"{law.Fit.Law}: {law.Identification}");
        Assert.True(law.Identification.Identified, law.Identification.ToString());
    }

    [Fact]
    public void A_floor_driven_to_its_bound_is_not_identified()
    {
        // A pure power law has no floor: the floor form's c runs to zero (the lower edge of its box, or so small that it
        // changes no prediction), which the data cannot pin down.
        var points = Enumerable.Range(0, 10).Select(i => Math.Pow(10, i * 0.5)).Select(x => new ScalingPoint(x, 0.3 * Math.Pow(x, -0.12))).ToList();
        var law = Analyse(points, LawForm.PowerLawWithFloor);
        log.WriteLine($"{law.Fit.Law}: {law.Identification}");
        Assert.False(law.Identification.Identified);
        Assert.Contains(law.Identification.Reasons, r => r.StartsWith("c = ", StringComparison.Ordinal));
        Assert.Null(law.Intervals);
    }

    [Fact]
    public void A_well_sampled_law_with_a_floor_is_identified_and_keeps_its_intervals()
    {
        var points = CoverageSimulation.Draw(new CoverageSetup(CoverageSimulation.Truths[LawForm.PowerLawWithFloor]), 5000);
        var law = Analyse(points, LawForm.PowerLawWithFloor);
        log.WriteLine($"{law.Fit.Law}: {law.Identification}");
        Assert.True(law.Identification.Identified, law.Identification.ToString());
        Assert.NotNull(law.Intervals);
        Assert.True(law.Intervals!.Parameter(2).Width > 0);
    }

    [Fact]
    public void The_selection_check_scores_the_selected_form_on_points_it_was_not_selected_on()
    {
        var points = CoverageSimulation.Draw(new CoverageSetup(CoverageSimulation.Truths[LawForm.PowerLawWithFloor]), 5001);
        var options = new AnalysisOptions { Forms = [LawForm.PowerLaw, LawForm.PowerLawWithFloor], HoldOut = 2 };
        var check = ScalingAnalysis.AnalysePoints(points, "test", options).SelectionCheck;
        Assert.NotNull(check);
        // Independently: the selection on the first 10 points alone, then that form fitted to them predicting the last 2.
        var inner = points.Take(10).ToList();
        var innerSelection = ScalingAnalysis.AnalysePoints(inner, "inner", options).Selected;
        Assert.Equal(innerSelection, check!.Selected.Main);
        Assert.Equal(10, check.InnerPoints);
        // Without M4 among the forms there is no guard: the selection predicts the forms' backtest-weighted mean, as the
        // analysis of the inner points alone computes it.
        Assert.Null(check.Selected.Guard);
        var innerLaws = ScalingAnalysis.AnalysePoints(inner, "inner", options).Laws;
        Assert.Equal(points.Skip(10).Select(p => p.Compute), check.HeldOut.HeldOut.Select(h => h.Point.Compute));
        foreach (var h in check.HeldOut.HeldOut) Assert.Equal(AnalysisFixtures.DefaultPrediction(innerLaws, h.Point.Compute), h.Predicted, 1e-9);
        log.WriteLine($"{check.Selected}: selecting error {check.SelectionRmsLogError:P2}, unbiased {check.HeldOut.RmsLogError:P2}");
        // The sentence names the selected form, then what the fit predicts with (the weighted mean here).
        var sentence = ScalingReport.SelectionSentence(check, "last points");
        Assert.Contains($"alone backtesting selects {check.Selected.Main} (", sentence);
        Assert.Contains($"the fit predicts with {check.Selected}; fitted to those points it predicts the 2 last points", sentence);
    }
}
