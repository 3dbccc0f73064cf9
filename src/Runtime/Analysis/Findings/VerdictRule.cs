using System.Globalization;

namespace ViTDsl.Runtime.Analysis.Findings;

/// <summary>
/// How a claim is judged from per-seed paired differences, fixed in code before any study runs. Each difference is
/// oriented so that a positive value favours the claim (e.g. smaller model's error − larger model's error).
/// </summary>
internal abstract record VerdictRule
{
    private VerdictRule() { }

    /// <summary>Confidence level of the interval the rule reads (95%).</summary>
    public double Level { get; init; } = 0.95;

    /// <summary>
    /// "A is better than B": reproduced when the whole interval of the mean difference lies above 0, not reproduced
    /// when it lies below 0 (B is better), inconclusive when it straddles 0 (a tie within the noise of the seeds).
    /// </summary>
    public sealed record Better : VerdictRule
    {
        public override string Describe() =>
            $"paired difference over seeds (positive favours the claim), {Level * 100:0.#}% t-interval: reproduced if it lies above 0, not reproduced if it lies below 0, inconclusive otherwise";

        protected override Verdict Judge(Interval i) =>
            i.Lower > 0 ? Verdict.Reproduced : i.Upper < 0 ? Verdict.NotReproduced : Verdict.Inconclusive;
    }

    /// <summary>
    /// "A matches B" within <paramref name="Margin"/> (two one-sided tests): reproduced when the whole interval of the
    /// mean difference lies inside (−margin, +margin), not reproduced when it lies wholly outside, inconclusive when it
    /// crosses a margin.
    /// </summary>
    public sealed record Matches(double Margin) : VerdictRule
    {
        public override string Describe() =>
            $"paired difference over seeds, {Level * 100:0.#}% t-interval against the equivalence margin ±{Margin.ToString("0.####", CultureInfo.InvariantCulture)}: " +
            "reproduced if it lies inside the margin, not reproduced if it lies wholly outside, inconclusive otherwise";

        protected override Verdict Judge(Interval i) =>
            i.Lower > -Margin && i.Upper < Margin ? Verdict.Reproduced
            : i.Lower >= Margin || i.Upper <= -Margin ? Verdict.NotReproduced
            : Verdict.Inconclusive;
    }

    /// <summary>
    /// "The quantity is below <paramref name="Bound"/>" (e.g. a law's absolute log error of prediction under 10%): reproduced
    /// when the whole interval of its mean over seeds lies below the bound, not reproduced when it lies wholly above,
    /// inconclusive when it contains the bound. The per-seed values are not differences but the quantity itself.
    /// </summary>
    public sealed record Below(double Bound) : VerdictRule
    {
        public override string Describe() =>
            $"mean over seeds, {Level * 100:0.#}% t-interval against the bound {Bound.ToString("0.####", CultureInfo.InvariantCulture)}: " +
            "reproduced if it lies below the bound, not reproduced if it lies wholly above, inconclusive otherwise";

        protected override Verdict Judge(Interval i) =>
            i.Upper < Bound ? Verdict.Reproduced : i.Lower > Bound ? Verdict.NotReproduced : Verdict.Inconclusive;
    }

    /// <summary>
    /// The rule each of <paramref name="parts"/> comparisons of one claim is judged by, Bonferroni-corrected: each at level
    /// 1 − (1 − Level)/parts, so the chance that any part of a true claim is wrongly "not reproduced" stays within 1 − Level.
    /// </summary>
    public VerdictRule PerPart(int parts) => parts >= 1
        ? this with { Level = 1 - (1 - Level) / parts }
        : throw new ArgumentOutOfRangeException(nameof(parts), parts, "A claim has at least one comparison.");

    /// <summary>The rule in words, for the report.</summary>
    public abstract string Describe();

    protected abstract Verdict Judge(Interval interval);

    /// <summary>Judges the per-seed differences: their mean, its interval and the verdict.</summary>
    public Judgement Decide(IReadOnlyList<double> differencesPerSeed)
    {
        var estimate = SeedEstimate.Of(differencesPerSeed, Level);
        return new Judgement(Judge(estimate.Interval), estimate, this);
    }
}

/// <summary>A rule's verdict and the estimate it read.</summary>
internal sealed record Judgement(Verdict Verdict, SeedEstimate Difference, VerdictRule Rule);
