using System.Text.Json;
using ViTDsl.Runtime.Analysis;

namespace ViTDsl.Experiments.Cli;

/// <summary>The JSON shape of <c>vitdsl fit --json</c>: plain data, stable names, for scripts and notebooks.</summary>
internal static class FitJson
{
    public static readonly JsonSerializerOptions Options = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    public sealed record Point(double Compute, double Error);
    public sealed record HeldOut(double Compute, double Observed, double Predicted, double RelativeError);
    public sealed record ExtrapolationJson(string FittedLaw, double MeanAbsLogError, double MaxAbsRelativeError, IReadOnlyList<HeldOut> HeldOut);
    public sealed record LawJson(string Form, string Law, Dictionary<string, double> Constants, Dictionary<string, double[]>? Intervals,
        double? Level, double Loss, double RmsLogResidual, double GradientNorm, bool Converged, int Starts, int StartsReachingBest,
        double FitMilliseconds, ExtrapolationJson? Extrapolation);
    public sealed record Result(string Metric, string ComputeUnit, int Runs, IReadOnlyList<Point> Frontier, IReadOnlyList<LawJson> Laws, IReadOnlyList<string> Notes);

    public static Result Of(MetricAnalysis a) => new(
        a.Metric.Slug, a.ComputeUnit.Name + "-days", a.Runs.Count,
        a.Frontier.Select(p => new Point(p.Compute, p.Error)).ToList(),
        a.Laws.Select(Law).ToList(), a.Notes);

    private static LawJson Law(LawAnalysis l)
    {
        var free = Enumerable.Range(0, 4).Where(l.Fit.Law.IsFree).ToList();
        return new LawJson(
            l.Form.ToString(), l.Fit.Law.ToString(),
            free.ToDictionary(i => ScalingLaw.Names[i], i => l.Fit.Law.Values[i]),
            l.Bootstrap is { } b ? free.ToDictionary(i => ScalingLaw.Names[i], i => new[] { b.Parameter(i).Lower, b.Parameter(i).Upper }) : null,
            l.Bootstrap?.Level, l.Fit.Loss, l.Fit.RmsLogResidual, l.Fit.GradientNorm, l.Fit.Converged, l.Fit.Starts, l.Fit.StartsReachingBest,
            l.FitTime.TotalMilliseconds,
            l.Extrapolation is { } e
                ? new ExtrapolationJson(e.Fit.Law.ToString(), e.MeanAbsLogError, e.MaxAbsRelativeError,
                    e.HeldOut.Select(h => new HeldOut(h.Point.Compute, h.Point.Error, h.Predicted, h.RelativeError)).ToList())
                : null);
    }
}
