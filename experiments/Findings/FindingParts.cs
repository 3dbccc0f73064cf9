using System.Globalization;
using ViTDsl.Runtime.Analysis.Findings;
using ViTDsl.Runtime.Models;

namespace ViTDsl.Experiments.Findings;

/// <summary>Pieces every finding's analysis uses.</summary>
internal static class FindingParts
{
    /// <summary>
    /// Per seed, value(trial matching <paramref name="a"/>) − value(trial matching <paramref name="b"/>), over the seeds
    /// both have finished; the paired difference every verdict reads.
    /// </summary>
    public static IReadOnlyList<double> Paired(IReadOnlyList<FindingTrial> trials, Func<FindingTrial, bool> a, Func<FindingTrial, bool> b, Func<FindingTrial, double> value)
    {
        var first = trials.Where(a).ToDictionary(t => t.Seed);
        var second = trials.Where(b).ToDictionary(t => t.Seed);
        return first.Keys.Intersect(second.Keys).Order().Select(seed => value(first[seed]) - value(second[seed])).ToList();
    }

    /// <summary>The estimate over seeds of value(trial) among the trials matching <paramref name="which"/>.</summary>
    public static SeedEstimate Over(IReadOnlyList<FindingTrial> trials, Func<FindingTrial, bool> which, Func<FindingTrial, double> value) =>
        SeedEstimate.Of(trials.Where(which).OrderBy(t => t.Seed).Select(value).ToList());

    /// <summary>
    /// Markdown: the study's name, where it is declared, its axes and labels, its baseline as the generator evaluated it,
    /// and how many test images each trial's test error is measured on.
    /// </summary>
    public static string Declaration(FindingInput input, string? note = null)
    {
        var sweep = input.Sweep;
        var axes = sweep.Trials.Select(t => FindingTrial.ParseLabels(t.Name[(sweep.Name.Length + 1)..]))
            .SelectMany(l => l).GroupBy(kv => kv.Key, kv => kv.Value)
            .Select(g => $"{g.Key} ∈ {{{string.Join(", ", g.Distinct())}}}");
        var baseline = sweep.Trials[0].Declaration;
        return $"`{sweep.Name}` in `experiments/Findings/FindingStudies.cs`: {sweep.Trials.Count} trials, {string.Join(" × ", axes)}" +
               $" ({F(sweep.Facts.TrainingFlopsWhenBranched, "G3")} training FLOPs with cooldown branches shared). " +
               $"Every trial: {baseline.Data.Set}, batch {baseline.Data.Batch}, learning rate {F(baseline.LearningRate, "G3")}, {baseline.Loss} loss, {baseline.Precision.Label()}" +
               $"; its test error is measured on {TestImages(input, baseline.Data.Set)} test images" +
               (note is null ? "." : $"; {note}.");
    }

    /// <summary>The test images each error is measured on: the data set's whole test split, or the first N (`--test-images`).</summary>
    public static string TestImages(FindingInput input, DataSet set) => DataSet.KnownTestImages(set) is int all
        ? (input.TestImages is > 0 and var n && n < all ? $"the first {n:N0} of its {all:N0}" : $"all {all:N0}")
        : input.TestImages > 0 ? $"at most {input.TestImages:N0}" : "all";

    public static string F(double v, string format = "0.0000") => v.ToString(format, CultureInfo.InvariantCulture);

    /// <summary>A markdown table of per-variant estimates: "| variant | seeds | mean | 95% interval |".</summary>
    public static string Table(string what, IEnumerable<(string Label, SeedEstimate Estimate)> rows, string? extraHeader = null, Func<string, string>? extra = null)
    {
        var md = new System.Text.StringBuilder();
        md.AppendLine($"| variant | seeds | mean {what} | 95% interval |{(extraHeader is null ? "" : $" {extraHeader} |")}");
        md.AppendLine($"|---|---|---|---|{(extraHeader is null ? "" : "---|")}");
        foreach (var (label, e) in rows)
            md.Append($"| {label} | {e.Seeds} | {F(e.Mean)} | {e.Format().Split(' ', 2)[1]} |").AppendLine(extra is null ? "" : $" {extra(label)} |");
        return md.ToString().TrimEnd();
    }
}
