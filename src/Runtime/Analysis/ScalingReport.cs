using System.Globalization;
using System.Text;

namespace ViTDsl.Runtime.Analysis;

/// <summary>
/// Builds <c>report.md</c> and its figures from recorded runs: for each metric the fitted constants of every law form
/// whether the data identify them, intervals for those they do, fit diagnostics, the extrapolation error on held-out high-compute runs, and the PNGs.
/// </summary>
internal static class ScalingReport
{
    /// <summary>Analyses every metric in <paramref name="runs"/> (or those given) and writes the report and figures into <paramref name="directory"/>.</summary>
    /// <returns>The analyses and the paths written (report.md first).</returns>
    public static (IReadOnlyList<MetricAnalysis> Analyses, IReadOnlyList<string> Files) Write(
        IReadOnlyList<RunRecord> runs, string directory, AnalysisOptions? options = null, IReadOnlyList<RunMetric>? metrics = null,
        string source = "", IReadOnlyList<LearningCurve>? curves = null, CurveAxis axis = CurveAxis.Images)
    {
        if (runs.Count == 0) throw new ArgumentException("No runs to report on; record some runs first.", nameof(runs));
        options ??= new AnalysisOptions();
        metrics ??= ScalingAnalysis.MetricsIn(runs);
        Directory.CreateDirectory(directory);
        (runs, var replicates) = RunAverage.Replicates(runs);
        var analyses = metrics.Select(m => ScalingAnalysis.Analyse(runs, m, options))
            .Select(a => replicates is null ? a : a with { Notes = [replicates, .. a.Notes] }).ToList();
        var figures = new List<Figure>();
        foreach (var a in analyses)
        {
            figures.Add(ComputeFigure.Create(a));
            figures.Add(ImagesSeenFigure.Create(runs, a.Metric));
        }
        if (runs.Any(r => r.FewShotError.Count > 0)) figures.Add(FewShotFigure.Create(runs));
        var fitted = curves is { Count: > 0 } ? LearningCurves.Analyse(curves, axis, options) : [];
        if (fitted.Count > 0) figures.Add(LearningCurveFigure.Create(fitted, options.ComputeUnit));
        var pngs = figures.Select(f => f.Save(directory)).ToList();
        var reportPath = Path.Combine(directory, "report.md");
        File.WriteAllText(reportPath, Markdown(runs, analyses, figures, options, source) + CurveMarkdown(fitted, figures, options));
        return (analyses, [reportPath, .. pngs]);
    }

    public static string Markdown(IReadOnlyList<RunRecord> runs, IReadOnlyList<MetricAnalysis> analyses, IReadOnlyList<Figure> figures,
        AnalysisOptions options, string source)
    {
        var md = new StringBuilder();
        md.AppendLine("# Scaling report").AppendLine();
        md.AppendLine($"{runs.Count} runs{(source.Length > 0 ? $" from `{source}`" : "")}; compute in {options.ComputeUnit.Description}" +
            (options.ComputeUnit is ComputeUnit.DeviceDays d ? $" ({G(d.Device.SustainedFlopsPerSecond)} FLOP/s)" : "") + ". Laws are fitted to the Pareto frontier with a Huber loss " +
            $"(δ = {G(options.Fit.HuberDelta)}) on log residuals from a grid of starts (M4 by its authors' procedure, least squares in its transformed space); " +
            $"a form's intervals are given only when its constants are identified by the points (see each metric); intervals are {(options.Bootstrap is { } b ? $"{b.Level * 100:0.#}% residual-bootstrap percentiles over {b.Resamples} refits" : options.IntervalLevel is { } level ? $"{level * 100:0.#}% delta-method (Huber sandwich, Student t)" : "not computed")}; " +
            $"extrapolation holds out the {options.HoldOut} highest-compute frontier points.").AppendLine();
        foreach (var a in analyses) MetricSection(md, a, figures, options);
        foreach (var f in figures.Where(f => f.FileName == "fewshot_vs_test.png"))
            md.AppendLine("## Few-shot vs test error").AppendLine().AppendLine($"![{f.FileName}]({f.FileName})").AppendLine();
        return md.ToString();
    }

    private static void MetricSection(StringBuilder md, MetricAnalysis a, IReadOnlyList<Figure> figures, AnalysisOptions options)
    {
        md.AppendLine($"## {a.Metric}").AppendLine();
        md.AppendLine($"{a.Runs.Count} runs, {a.Frontier.Count} on the frontier.").AppendLine();
        if (a.Laws.Count > 0)
        {
            LawTable(md, a.Laws, a.Selected);
            Identification(md, a.Laws);
            if (a.Selection is { } chosen) md.AppendLine($"The fit predicts with **{chosen}**: {chosen.Rule}.").AppendLine();
            if (a.SelectionCheck is { } check) md.AppendLine(SelectionSentence(check, "most expensive frontier runs")).AppendLine();
            foreach (var l in a.Laws.Where(l => l.Extrapolation is not null))
            {
                md.AppendLine($"Extrapolation of {l.Form} fitted without the {l.Extrapolation!.HeldOut.Count} most expensive frontier runs (`{l.Extrapolation.Fit.Law}`):").AppendLine();
                md.AppendLine("| compute | observed | predicted | relative error |").AppendLine("|---|---|---|---|");
                foreach (var h in l.Extrapolation.HeldOut)
                    md.AppendLine($"| {G(h.Point.Compute)} | {G(h.Point.Error)} | {G(h.Predicted)} | {h.RelativeError:+0.0%;-0.0%} |");
                md.AppendLine();
            }
        }
        foreach (var note in a.Notes) md.AppendLine($"- {note}");
        if (a.Notes.Count > 0) md.AppendLine();
        foreach (var f in figures.Where(f => f.FileName.EndsWith($"_{a.Metric.Slug}.png", StringComparison.Ordinal)))
            md.AppendLine($"![{f.FileName}]({f.FileName})");
        md.AppendLine();
    }

    /// <summary>Every form's constants (with intervals where identified), fit diagnostics and backtest error.</summary>
    private static void LawTable(StringBuilder md, IReadOnlyList<LawAnalysis> laws, LawForm? selected)
    {
        md.AppendLine("| law | identified | a | b | c | d | alpha | e0 | loss | RMS log resid. | max grad | converged | starts at best | extrapolation | fit time |");
        md.AppendLine("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
        foreach (var l in laws)
        {
            var cells = Enumerable.Range(0, ScalingLaw.Names.Length).Select(i => !l.Fit.Law.IsFree(i) ? "—"
                : G(l.Fit.Law.Values[i]) + (l.Intervals is { } iv ? $" [{G(iv.Parameter(i).Lower)}, {G(iv.Parameter(i).Upper)}]" : ""));
            string extrapolation = l.Extrapolation is { } e ? $"{e.MeanAbsLogError:P1} mean abs. log error, {e.RmsLogError:P1} RMS" : "n/a";
            string mark = l.Form == selected ? " **(selected)**" : "";
            md.AppendLine($"| `{l.Fit.Law}`{mark} | {(l.Identification.Identified ? "yes" : "**no**")} | {string.Join(" | ", cells)} | {G(l.Fit.Loss)} | " +
                $"{l.Fit.RmsLogResidual:P2} | {G(l.Fit.GradientNorm)} | {(l.Fit.Converged ? "yes" : "**no**")} | {l.Fit.StartsReachingBest}/{l.Fit.Starts} | " +
                $"{extrapolation} | {l.FitTime.TotalMilliseconds:F0} ms |");
        }
        md.AppendLine();
    }

    /// <summary>Which forms the data identify, and for the others why not (their constants are point estimates only).</summary>
    private static void Identification(StringBuilder md, IReadOnlyList<LawAnalysis> laws)
    {
        var yes = laws.Where(l => l.Identification.Identified).Select(l => l.Form.ToString()).ToList();
        md.AppendLine($"Identified: {(yes.Count > 0 ? string.Join(", ", yes) : "none")}.");
        foreach (var l in laws.Where(l => !l.Identification.Identified))
            md.AppendLine($"- {l.Form} is not identified: {string.Join("; ", l.Identification.Reasons)}. Its constants are point estimates, without delta-method intervals" +
                (l.FloorProfile is { } p ? $"; the floor's {G(100 * p.Interval.Level)}% profile-likelihood interval is c ∈ {p}." : "."));
        md.AppendLine();
    }

    /// <summary>The nested hold-out in one sentence.</summary>
    public static string SelectionSentence(SelectionCheck c, string heldOut) =>
        $"Selection check (nested hold-out): on the first {c.InnerPoints} points alone backtesting selects {c.Selected.Main} " +
        $"(RMS log error {c.SelectionRmsLogError:P1} on the backtest that selected it, an optimistic number) and the fit predicts with {c.Selected}; fitted to those points it predicts the " +
        $"{c.HeldOut.HeldOut.Count} {heldOut}, which took no part in the selection, with RMS log error {c.HeldOut.RmsLogError:P1}.";

    /// <summary>The learning-curve section: each model's laws, the selected one, its backtest, and the figure.</summary>
    public static string CurveMarkdown(IReadOnlyList<CurveAnalysis> curves, IReadOnlyList<Figure> figures, AnalysisOptions options)
    {
        if (curves.Count == 0) return "";
        var md = new StringBuilder();
        md.AppendLine("## Learning curves").AppendLine();
        md.AppendLine($"Test error versus {LearningCurves.AxisLabel(curves[0].Axis, options.ComputeUnit).ToLowerInvariant()} per model, from the evaluations " +
            $"recorded during training (before each run's cooldown); each form is backtested on the last {options.HoldOut} evaluations. " +
            CurveAnalysis.IntervalCaveat).AppendLine();
        md.AppendLine("| model | evaluations | form | law | identified | RMS log resid. | backtest RMS log error |").AppendLine("|---|---|---|---|---|---|---|");
        foreach (var c in curves)
            foreach (var l in c.Laws)
                md.AppendLine($"| {c.Curve.Label} | {c.Points.Count} | {l.Form}{(l.Form == c.Selected ? " **(selected)**" : "")} | `{l.Fit.Law}` | " +
                    $"{(l.Identification.Identified ? "yes" : "no: " + string.Join("; ", l.Identification.Reasons))} | " +
                    $"{l.Fit.RmsLogResidual:P2} | {(l.Extrapolation is { } e ? e.RmsLogError.ToString("P1", CultureInfo.InvariantCulture) : "n/a")} |");
        md.AppendLine();
        foreach (var c in curves.Where(c => c.SelectionCheck is not null))
            md.AppendLine($"- {c.Curve.Label}: {SelectionSentence(c.SelectionCheck!, "last evaluations")}");
        foreach (var note in curves.SelectMany(c => c.Notes.Select(n => $"{c.Curve.Label}: {n}"))) md.AppendLine($"- {note}");
        foreach (var f in figures.Where(f => f.FileName == LearningCurveFigure.FileName)) md.AppendLine().AppendLine($"![{f.FileName}]({f.FileName})");
        return md.AppendLine().ToString();
    }

    private static string G(double v) => v.ToString("G4", CultureInfo.InvariantCulture);
}
