using System.Text.Json;
using ViTDsl.Runtime.Analysis;

namespace ViTDsl.Cli;

/// <summary>The JSON shape of <c>vitdsl fit --json</c>: plain data, stable names, for scripts and notebooks.</summary>
internal static class FitJson
{
    /// <summary>An unidentified constant's interval can be unbounded: infinities are written as the strings "Infinity"/"-Infinity".</summary>
    public static readonly JsonSerializerOptions Options = new()
    {
        WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public sealed record Point(double Compute, double Error);
    public sealed record HeldOut(double Compute, double Observed, double Predicted, double RelativeError);
    public sealed record ExtrapolationJson(string FittedLaw, double MeanAbsLogError, double RmsLogError, double MaxAbsRelativeError, IReadOnlyList<HeldOut> HeldOut);
    /// <param name="Identified">Whether the points determine the constants; when not, <paramref name="Intervals"/> is null.</param>
    /// <param name="NotIdentifiedBecause">Why not (empty when identified).</param>
    public sealed record LawJson(string Form, string Law, bool Identified, IReadOnlyList<string> NotIdentifiedBecause,
        Dictionary<string, double> Constants, Dictionary<string, double[]>? Intervals, double? Level, double Loss, double RmsLogResidual, double GradientNorm, bool Converged, int Starts, int StartsReachingBest,
        double FitMilliseconds, ExtrapolationJson? Extrapolation)
    {
        /// <summary>The floor's profile-likelihood interval where the fit is not identified (its lower end 0 when open); null otherwise.</summary>
        public double[]? FloorProfile { get; init; }
    }
    /// <summary>The nested hold-out (<see cref="SelectionCheck"/>): the selected form's error on points it was not selected on.</summary>
    public sealed record SelectionJson(string Selected, int InnerPoints, double SelectionRmsLogError, ExtrapolationJson HeldOut);

    /// <param name="Selected">What the fit predicts with: one form, or an average of forms with their weights (null when no form could be backtested).</param>
    public sealed record Result(string Metric, string ComputeUnit, int Runs, IReadOnlyList<Point> Frontier, IReadOnlyList<LawJson> Laws,
        string? Selected, SelectionJson? SelectionCheck, IReadOnlyList<string> Notes);

    /// <summary>The shape of <c>fit --points</c>: the table's points as given.</summary>
    public sealed record PointsResult(string Source, IReadOnlyList<Point> Points, IReadOnlyList<LawJson> Laws, string? Selected,
        SelectionJson? SelectionCheck, IReadOnlyList<string> Notes);

    /// <summary>The shape of <c>fit --curve</c>: one per model, its evaluations on the chosen axis.</summary>
    public sealed record CurveResult(string Model, string Axis, IReadOnlyList<string> Runs, IReadOnlyList<Point> Points, IReadOnlyList<LawJson> Laws,
        string? Selected, SelectionJson? SelectionCheck, IReadOnlyList<string> Notes, string IntervalNote);

    public static CurveResult Of(CurveAnalysis a, ComputeUnit unit) => new(
        a.Curve.Label, LearningCurves.AxisLabel(a.Axis, unit), a.Curve.Runs, a.Points.Select(p => new Point(p.Compute, p.Error)).ToList(),
        a.Laws.Select(Law).ToList(), a.Selection?.ToString(), Selection(a.SelectionCheck), a.Notes, CurveAnalysis.IntervalCaveat);

    public static Result Of(MetricAnalysis a) => new(
        a.Metric.Slug, a.ComputeUnit.Description, a.Runs.Count,
        a.Frontier.Select(p => new Point(p.Compute, p.Error)).ToList(),
        a.Laws.Select(Law).ToList(), a.Selection?.ToString(), Selection(a.SelectionCheck), a.Notes);

    public static PointsResult Of(PointsAnalysis a) => new(
        a.Source, a.Points.Select(p => new Point(p.Compute, p.Error)).ToList(), a.Laws.Select(Law).ToList(), a.Selection?.ToString(),
        Selection(a.SelectionCheck), a.Notes);

    private static SelectionJson? Selection(SelectionCheck? c) =>
        c is null ? null : new SelectionJson(c.Selected.ToString(), c.InnerPoints, c.SelectionRmsLogError, ExtrapolationOf(c.HeldOut));

    private static ExtrapolationJson ExtrapolationOf(Extrapolation e) =>
        new(e.Fit.Law.ToString(), e.MeanAbsLogError, e.RmsLogError, e.MaxAbsRelativeError,
            e.HeldOut.Select(h => new HeldOut(h.Point.Compute, h.Point.Error, h.Predicted, h.RelativeError)).ToList());

    private static LawJson Law(LawAnalysis l)
    {
        var free = l.Fit.Law.FreeIndices;
        return new LawJson(
            l.Form.ToString(), l.Fit.Law.ToString(), l.Identification.Identified, l.Identification.Reasons,
            free.ToDictionary(i => ScalingLaw.Names[i], i => l.Fit.Law.Values[i]),
            l.Intervals is { } b ? free.ToDictionary(i => ScalingLaw.Names[i], i => new[] { b.Parameter(i).Lower, b.Parameter(i).Upper }) : null,
            l.Intervals?.Level, l.Fit.Loss, l.Fit.RmsLogResidual, l.Fit.GradientNorm, l.Fit.Converged, l.Fit.Starts, l.Fit.StartsReachingBest,
            l.FitTime.TotalMilliseconds,
            l.Extrapolation is { } e ? ExtrapolationOf(e) : null)
        {
            FloorProfile = l.FloorProfile is { } p ? [p.Interval.Lower, p.UpperOpen ? double.PositiveInfinity : p.Interval.Upper] : null,
        };
    }
}
