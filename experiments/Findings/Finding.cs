using System.Globalization;
using System.Text;
using ViTDsl.Runtime.Analysis.Findings;
using ViTDsl.Runtime.Models;

namespace ViTDsl.Experiments.Findings;

/// <summary>What a finding's analysis receives: its study's finished trials and how the study was declared and run.</summary>
/// <param name="TestImages">Test images each final test error was measured on (0: the whole test split).</param>
internal sealed record FindingInput(GeneratedSweep Sweep, IReadOnlyList<FindingTrial> Trials, string? WallTime, int TestImages = 0)
{
    /// <summary>Trials of <see cref="Trials"/> with the metrics of their own untrained weights (<see cref="UntrainedProbe"/>), where a finding asks for them.</summary>
    public IReadOnlyList<FindingTrial> Untrained { get; init; } = [];
}

/// <summary>
/// One claim of the paper, the study that tests it (<see cref="Sweep"/>, or its smoke twin), and its protocol — the
/// claim, the metric, the rule with its margin, the number of comparisons it is judged by, and the margin its seeds
/// are planned for — which is fixed (hashed and stored) before the study has data; then the analysis that turns the
/// study's trials into a report section.
/// </summary>
/// <param name="Name">The name `vitdsl findings NAME` takes, e.g. "pooling".</param>
/// <param name="Sweep">The study, in <see cref="Precision.Auto"/>; its fp32 and bf16 twins are named with a "Fp32" and a "Bf16" suffix.</param>
/// <param name="Analyse">Turns the trials into a section, judging each comparison by the rule it is given.</param>
internal sealed record Finding(string Name, string Sweep, string SmokeSweep, Func<FindingInput, VerdictRule, FindingSection> Analyse)
{
    /// <summary>The paper's claim, with its section or figure.</summary>
    public required string Claim { get; init; }

    /// <summary>What is measured per seed, in words (the report and the protocol hash both read it).</summary>
    public required string Metric { get; init; }

    /// <summary>The rule at the finding's overall level (95%); each comparison is judged by its Bonferroni-corrected <see cref="VerdictRule.PerPart"/>.</summary>
    public required VerdictRule Rule { get; init; }

    /// <summary>
    /// How many comparisons the claim is judged by in a study (e.g. MAP vs token and GAP vs token: 2; one per pair of
    /// adjacent model sizes); the analysis must produce exactly these.
    /// </summary>
    public required Func<GeneratedSweep, int> Parts { get; init; }

    /// <summary>
    /// The margin the seeds are planned for: a "matches" claim's equivalence margin, a "below" claim's bound, or the smallest
    /// effect a "better" claim must resolve; the plan aims at an expected 95% half-width of half of it.
    /// </summary>
    public required double PlanningMargin { get; init; }

    /// <summary>The trials whose untrained weights are probed as well (<see cref="FindingInput.Untrained"/>); null: none.</summary>
    public Func<FindingTrial, bool>? UntrainedBaseline { get; init; }

    /// <summary>The study to run: the smoke twin, or the full study in <paramref name="precision"/> (Auto: the study as declared).</summary>
    public string SweepFor(Precision precision, bool smoke) => smoke ? SmokeSweep : precision switch
    {
        Precision.Bf16 => Sweep + "Bf16",
        Precision.Fp32 => Sweep + "Fp32",
        _ => Sweep,
    };

    /// <summary>The rule each comparison of <paramref name="study"/> is judged by.</summary>
    public VerdictRule PartRule(GeneratedSweep study) => Rule.PerPart(Parts(study));

    /// <summary>The section for <paramref name="input"/>, after checking that the analysis judged the declared number of comparisons.</summary>
    public FindingSection Judge(FindingInput input)
    {
        var section = Analyse(input, PartRule(input.Sweep));
        if (!section.NotTestable && section.Comparisons.Count != Parts(input.Sweep))
            throw new InvalidOperationException($"Finding '{Name}' declares {Parts(input.Sweep)} comparison(s) for `{input.Sweep.Name}` but its analysis judged {section.Comparisons.Count} (a variant or seed with no finished trial?).");
        return section;
    }

    /// <summary>
    /// The protocol fixed before the study's data: everything that decides the verdict, and the study's declaration trial by
    /// trial as the generator evaluated it, so a change to any of them changes the hash.
    /// </summary>
    public Protocol ProtocolFor(GeneratedSweep study, int testImages, SeedPlanning planning)
    {
        var text = new StringBuilder()
            .AppendLine($"finding: {Name}")
            .AppendLine($"claim: {Claim}")
            .AppendLine($"metric: {Metric}; test errors on {(testImages > 0 ? testImages.ToString("N0", CultureInfo.InvariantCulture) : "all")} test images")
            .AppendLine($"rule: {PartRule(study).Describe()} ({Parts(study)} comparison(s), Bonferroni-corrected)")
            .AppendLine($"seeds: pilot {planning.PilotSeeds}, then as many as an expected 95% half-width of {PlanningMargin / 2:G4} needs, at most {planning.MaxSeeds}")
            .AppendLine($"study: {study.Name}");
        foreach (var trial in study.Trials) text.AppendLine($"trial {trial.Name}: {ViTDsl.SourceText.Print(trial.Declaration)}");
        return new Protocol(Name, text.ToString());
    }
}

/// <summary>A study's seeds: those it declares (in order), how many the pilot runs first, and the most it may run.</summary>
internal sealed record SeedPlanning(IReadOnlyList<long> Declared, int PilotSeeds)
{
    public int MaxSeeds => Declared.Count;

    /// <summary>The seeds a study declares (its <see cref="Labels.Seed"/> axis), with a pilot of 3 (all, when it declares fewer).</summary>
    public static SeedPlanning Of(GeneratedSweep study) => new(
        study.Trials.Select(t => t.Declaration.Data.Seed).Distinct().Order().ToList(),
        Math.Min(PilotSize, study.Trials.Select(t => t.Declaration.Data.Seed).Distinct().Count()));

    /// <summary>Seeds of the pilot: enough to measure a spread, few enough to leave the budget to the plan.</summary>
    public const int PilotSize = 3;

    /// <summary>The first <paramref name="count"/> declared seeds.</summary>
    public IReadOnlySet<long> First(int count) => Declared.Take(count).ToHashSet();
}
