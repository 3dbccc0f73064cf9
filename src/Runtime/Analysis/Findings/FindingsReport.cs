using System.Text;

namespace ViTDsl.Runtime.Analysis.Findings;

/// <summary>Writes the findings report: a summary table of verdicts, then one section per finding with its figures.</summary>
internal static class FindingsReport
{
    public const string FileName = "README.md";

    /// <summary>Writes <see cref="FileName"/> and every section's PNGs into <paramref name="directory"/>; returns the paths (markdown first).</summary>
    public static IReadOnlyList<string> Write(IReadOnlyList<FindingSection> sections, string directory, string preamble)
    {
        if (sections.Count == 0) throw new ArgumentException("No findings to report; name at least one study.", nameof(sections));
        Directory.CreateDirectory(directory);
        var pngs = sections.SelectMany(s => s.Figures).Select(f => f.Save(directory)).ToList();
        var path = Path.Combine(directory, FileName);
        File.WriteAllText(path, Markdown(sections, preamble));
        return [path, .. pngs];
    }

    public static string Markdown(IReadOnlyList<FindingSection> sections, string preamble)
    {
        var md = new StringBuilder();
        md.AppendLine("# Findings of *Scaling Vision Transformers*, checked at small scale").AppendLine();
        md.AppendLine(preamble).AppendLine();
        md.AppendLine("| finding | verdict | evidence (mean over seeds, interval at the comparison's level) |").AppendLine("|---|---|---|");
        foreach (var s in sections)
            md.AppendLine($"| [{s.Title}](#{Anchor(s.Title)}) | **{s.Verdict.Label()}** | " +
                string.Join("; ", s.Comparisons.Select(c => $"{c.What}: {c.Judgement.Difference.Format()} → {c.Judgement.Verdict.Label()}")) + " |");
        md.AppendLine();
        foreach (var s in sections)
        {
            md.AppendLine($"## {s.Title}").AppendLine();
            md.AppendLine($"**Claim.** {s.Claim}").AppendLine();
            md.AppendLine($"**Declaration.** {s.Declaration}").AppendLine();
            if (s.Registration is not null) md.AppendLine($"**Pre-registration.** {s.Registration.Describe()}.").AppendLine();
            if (s.WallTime is not null) md.AppendLine($"**Wall time.** {s.WallTime}").AppendLine();
            foreach (var t in s.Tables) md.AppendLine(t).AppendLine();
            foreach (var f in s.Figures) md.AppendLine($"![{f.FileName}]({f.FileName})").AppendLine();
            if (s.Comparisons.Count > 0) md.AppendLine(ComparisonTable(s)).AppendLine();
            if (s.Plans.Count > 0) md.AppendLine(PlanTable(s)).AppendLine();
            foreach (var rule in s.Comparisons.Select(c => c.Judgement.Rule.Describe()).Distinct())
                md.AppendLine($"Rule: {rule}{(s.Comparisons.Count > 1 ? $" (Bonferroni: {s.Comparisons.Count} comparisons, each at this level, 95% for the claim)" : "")}.").AppendLine();
            if (s.NotTestableBecause is not null) md.AppendLine($"Not testable with this study: {s.NotTestableBecause}").AppendLine();
            md.AppendLine($"**Verdict: {s.Verdict.Label()}.**").AppendLine();
            foreach (var n in s.Notes) md.AppendLine($"- {n}");
            if (s.Notes.Count > 0) md.AppendLine();
        }
        return md.ToString();
    }

    private static string ComparisonTable(FindingSection s)
    {
        var md = new StringBuilder("| comparison | seeds | mean | interval | verdict |\n|---|---|---|---|---|\n");
        foreach (var c in s.Comparisons)
        {
            var d = c.Judgement.Difference;
            md.AppendLine($"| {c.What} | {d.Seeds} | {d.Mean:0.0000} | {d.Format().Split(' ', 2)[1]} ({c.Judgement.Rule.Level:0.##%}) | {c.Judgement.Verdict.Label()} |");
        }
        return md.ToString().TrimEnd();
    }

    // The seed plan of each comparison against what the study achieved.
    private static string PlanTable(FindingSection s)
    {
        var md = new StringBuilder("| comparison | pilot seeds | pilot spread | seeds needed | seeds used | target half-width | expected | achieved |\n|---|---|---|---|---|---|---|---|\n");
        foreach (var (c, p) in s.Comparisons.Zip(s.Plans))
        {
            var used = c.Judgement.Difference;
            md.Append($"| {c.What} | {p.PilotSeeds} | {p.PilotSpread:0.0000} | {p.SeedsNeeded}{(p.Affordable ? "" : " (unaffordable here)")} | {used.Seeds} | ")
              .AppendLine($"{p.TargetHalfWidth:0.0000} | {PowerPlan.ExpectedHalfWidthFor(p.PilotSpread, Math.Max(2, used.Seeds), c.Judgement.Rule.Level):0.0000} | {used.HalfWidth:0.0000} |");
        }
        return md.ToString().TrimEnd();
    }

    // GitHub's heading anchors: lower case, spaces to hyphens, punctuation dropped.
    private static string Anchor(string title) =>
        new string(title.ToLowerInvariant().Where(c => char.IsLetterOrDigit(c) || c is ' ' or '-' or '_').ToArray()).Replace(' ', '-');
}
