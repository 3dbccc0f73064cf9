namespace ViTDsl.Runtime.Analysis.Findings;

/// <summary>One comparison a claim rests on (e.g. GAP vs class token) and how the rule judged it.</summary>
/// <param name="What">The comparison in words, e.g. "GAP − token test error".</param>
internal sealed record Comparison(string What, Judgement Judgement);

/// <summary>
/// One finding of the report: the paper's claim, the declaration that tests it, the numbers with their intervals, the
/// figures, and the verdict of the rule stated in advance.
/// </summary>
/// <param name="Key">Short stable name (a–f and a word), used in the file names of its figures.</param>
/// <param name="Title">Heading, e.g. "(d) Pooling: MAP and GAP match the class token".</param>
/// <param name="Claim">The paper's claim with its figure or section.</param>
/// <param name="Declaration">Markdown: where the study is declared and what it varies.</param>
/// <param name="Comparisons">The judged comparisons; the section's verdict combines them (<see cref="Verdicts.Combine"/>).</param>
/// <param name="Tables">Markdown tables of the per-variant numbers.</param>
/// <param name="Figures">The section's figures.</param>
internal sealed record FindingSection(string Key, string Title, string Claim, string Declaration,
    IReadOnlyList<Comparison> Comparisons, IReadOnlyList<string> Tables, IReadOnlyList<Figure> Figures)
{
    /// <summary>Remarks: what limits the study, what would resolve an inconclusive verdict.</summary>
    public IReadOnlyList<string> Notes { get; init; } = [];

    /// <summary>Wall time spent training the study's trials in this invocation and earlier ones, when known.</summary>
    public string? WallTime { get; init; }

    /// <summary>How the finding's protocol relates to the one fixed before its study's data (null: not checked, e.g. in a unit test).</summary>
    public RegistrationCheck? Registration { get; init; }

    /// <summary>The seed plan of each comparison, in the order of <see cref="Comparisons"/> (empty when the study was not planned).</summary>
    public IReadOnlyList<PowerPlan> Plans { get; init; } = [];

    /// <summary>Why the study cannot test the claim at all (e.g. too few frontier points for the rule); null when it can.</summary>
    public string? NotTestableBecause { get; init; }

    public bool NotTestable => NotTestableBecause is not null;

    /// <summary>The combined verdict of the comparisons, or <see cref="Verdict.Withheld"/> when the protocol changed after data.</summary>
    public Verdict Verdict => Registration is { WithholdsVerdict: true } ? Verdict.Withheld
        : NotTestable ? Verdict.NotTestable
        : Verdicts.Combine(Comparisons.Select(c => c.Judgement.Verdict));
}
