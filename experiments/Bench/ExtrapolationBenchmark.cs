using ViTDsl.Runtime.Analysis;

namespace ViTDsl.Experiments.Bench;

/// <summary>One extrapolation task: a law is fitted to <paramref name="Train"/> and scored on <paramref name="Test"/>.</summary>
/// <param name="Group">What the task's results are averaged over in the summary (the simulated truth, or the model).</param>
internal sealed record ExtrapolationTask(string Name, string Group, IReadOnlyList<ScalingPoint> Train, IReadOnlyList<ScalingPoint> Test);

/// <summary>One method's misses on a task's test points: log(predicted/observed) at each.</summary>
internal sealed record MethodScore(string Method, IReadOnlyList<double> LogErrors, double? BacktestRms = null)
{
    /// <summary>
    /// Root mean square of the log errors: the score of Alabdulmohsin et al.'s benchmark (their README: the RMSE of
    /// log predicted − log observed over a curve's test points).
    /// </summary>
    public double Rms => Math.Sqrt(LogErrors.Average(e => e * e));
}

/// <summary>Every method's score on one task, and what the default <c>fit</c> used.</summary>
internal sealed record TaskScores(ExtrapolationTask Task, string Used, IReadOnlyList<MethodScore> Methods)
{
    public MethodScore this[string method] => Methods.First(m => m.Method == method);
}

/// <summary>
/// Scores extrapolation the way Alabdulmohsin, Neyshabur and Zhai's benchmark does ("Revisiting Neural Scaling Laws in
/// Language and Vision", NeurIPS 2022): fit on a curve's early points, predict its later ones, RMS log error. The
/// methods are the default <c>fit</c> (every form fitted and backtested, the selection's prediction), and each form
/// alone — M4 being its authors' procedure.
/// </summary>
internal static class ExtrapolationBenchmark
{
    /// <summary>The method name of the default <c>fit</c>'s selection.</summary>
    public const string Default = "fit";

    /// <summary>The method name of the form backtesting selects, alone (the default fit without the weighted mean and its M4 guard).</summary>
    public const string Selected = "selected alone";

    public static TaskScores Score(ExtrapolationTask task, AnalysisOptions options)
    {
        var analysis = ScalingAnalysis.AnalysePoints(task.Train, task.Name, options with { IntervalLevel = null, Bootstrap = null });
        IReadOnlyList<double> Misses(Func<double, double> predict) => task.Test.Select(p => Math.Log(predict(p.Compute) / p.Error)).ToList();
        var forms = analysis.Laws.Select(l => new MethodScore(l.Form.ToString(), Misses(l.Fit.Law.Predict), l.Extrapolation?.RmsLogError)).ToList();
        var selection = analysis.Selection;
        var used = selection is null ? analysis.Laws[^1].Form.ToString() : selection.ToString();
        Func<double, double> predict = selection is null ? analysis.Laws[^1].Fit.Law.Predict : selection.Predict;
        // The form backtesting selects, alone: what the default fit predicted before the guard and the weighted mean.
        var alone = selection is null ? [] : new[] { new MethodScore(Selected, Misses(analysis.Laws.First(l => l.Form == selection.Main).Fit.Law.Predict)) };
        return new TaskScores(task, used, [new MethodScore(Default, Misses(predict)), .. alone, .. forms]);
    }

    /// <summary>
    /// Simulated tasks: <paramref name="sets"/> data sets from each of <see cref="Truths"/>
    /// (points log-spaced over x = 1e-3…1e4, log-normal noise), each fitted on its first <paramref name="train"/> points
    /// and scored on the rest.
    /// </summary>
    public static IReadOnlyList<ExtrapolationTask> Simulate(int sets, int points, int train, double noise, int seed)
    {
        var tasks = new List<ExtrapolationTask>();
        foreach (var (name, truth) in Truths)
        for (int s = 0; s < sets; s++)
        {
            var drawn = CoverageSimulation.Draw(new CoverageSetup(truth, points, Noise: noise), seed + s);
            tasks.Add(new ExtrapolationTask($"{name} seed {seed + s}", name, drawn.Take(train).ToList(), drawn.Skip(train).ToList()));
        }
        return tasks;
    }

    /// <summary>
    /// The simulated truths: one per form (<see cref="CoverageSimulation.Truths"/>) and a steeper M4 (b = 0.6, the M4 of
    /// the law-form tests), whose curve turns towards its floor within the simulated range — where backtest selection
    /// missed most.
    /// </summary>
    public static IReadOnlyList<(string Name, ScalingLaw Truth)> Truths =>
        [.. CoverageSimulation.Truths.Select(t => (t.Key.ToString(), t.Value)), ("M4 b=0.6", CoverageSimulation.Truths[LawForm.M4] with { B = 0.6 })];
}
