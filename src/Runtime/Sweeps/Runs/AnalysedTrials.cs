using ViTDsl.Runtime.Store;

namespace ViTDsl.Runtime.Analysis;

/// <summary>
/// Which stored trials an analysis reads: the succeeded trials of every sweep, of one, or of one sweep as it is
/// declared now. A trial dropped from a declaration stays in the store (nothing recorded is lost) but leaves the
/// sweep's report, which would otherwise fit a study that is no longer declared; the report says what it left out.
/// </summary>
/// <param name="Sweep">One sweep's trials (null: every sweep's).</param>
/// <param name="Declared">The trial names the sweep declares now (null: every stored trial of the sweep).</param>
internal sealed record AnalysedTrials(string? Sweep = null, IReadOnlySet<string>? Declared = null)
{
    public IEnumerable<TrialRecord> Of(ResultsStore store) =>
        (Sweep is null ? store.Sweeps() : [Sweep]).SelectMany(store.Trials)
            .Where(t => t.Status == TrialStatus.Succeeded && (Declared is null || Declared.Contains(t.Name)));

    /// <summary>The succeeded trials of the sweep that its declaration no longer names, by name.</summary>
    public IReadOnlyList<string> Undeclared(ResultsStore store) => Sweep is null || Declared is null ? []
        : store.Trials(Sweep).Where(t => t.Status == TrialStatus.Succeeded && !Declared.Contains(t.Name)).Select(t => t.Name).ToList();
}
