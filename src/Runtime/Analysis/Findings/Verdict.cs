namespace ViTDsl.Runtime.Analysis.Findings;

/// <summary>What a study says about a claim, decided by a <see cref="VerdictRule"/> stated before the data are seen.</summary>
internal enum Verdict
{
    /// <summary>The interval supports the claim.</summary>
    Reproduced,
    /// <summary>The interval contradicts the claim.</summary>
    NotReproduced,
    /// <summary>The interval is too wide to tell: more seeds, steps or data are needed.</summary>
    Inconclusive,
    /// <summary>No verdict: the finding's protocol changed after its study had results (see <see cref="RegistrationCheck"/>).</summary>
    Withheld,
    /// <summary>No verdict: the study cannot test the claim (the section says why).</summary>
    NotTestable,
}

internal static class Verdicts
{
    /// <summary>The words a report uses.</summary>
    public static string Label(this Verdict verdict) => verdict switch
    {
        Verdict.Reproduced => "reproduced",
        Verdict.NotReproduced => "not reproduced",
        Verdict.Inconclusive => "inconclusive",
        Verdict.Withheld => "withheld (rule changed after data)",
        Verdict.NotTestable => "not testable here",
        _ => throw new ArgumentOutOfRangeException(nameof(verdict), verdict, "unknown verdict"),
    };

    /// <summary>
    /// A claim made of several comparisons (MAP and GAP each match the class token): reproduced only when every part
    /// is, not reproduced as soon as one part is contradicted, inconclusive otherwise.
    /// </summary>
    public static Verdict Combine(IEnumerable<Verdict> parts)
    {
        var all = parts.ToList();
        if (all.Count == 0) throw new ArgumentException("A claim needs at least one comparison to be judged.", nameof(parts));
        if (all.Contains(Verdict.NotReproduced)) return Verdict.NotReproduced;
        return all.All(v => v == Verdict.Reproduced) ? Verdict.Reproduced : Verdict.Inconclusive;
    }
}
