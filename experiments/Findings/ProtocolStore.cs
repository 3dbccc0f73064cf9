using System.Text.Json;
using ViTDsl.Runtime.Analysis.Findings;
using ViTDsl.Runtime.Store;

namespace ViTDsl.Experiments.Findings;

/// <summary>
/// Keeps each finding's protocol with its study's results: stored the first time the study trains (before any trial
/// runs), compared on every later run, and never overwritten once the study has data, so the report can say what
/// was fixed before the data and whether it changed since.
/// </summary>
internal static class ProtocolStore
{
    /// <summary>The store record (per sweep) that holds a finding's registration: this prefix and the finding's name.</summary>
    public const string RecordPrefix = "findings/protocol/";

    /// <summary>
    /// Checks <paramref name="protocol"/> against what <paramref name="store"/> holds for <paramref name="sweep"/>; with
    /// <paramref name="persist"/> (a run that trains) a new or revised-before-data protocol is stored.
    /// </summary>
    public static RegistrationCheck Check(ResultsStore store, string sweep, Protocol protocol, bool acceptChange, bool persist)
    {
        var trials = store.Trials(sweep);
        bool hasResults = trials.Any(t => t.Status != TrialStatus.Pending); // a started trial may already have written metrics
        var stored = store.Fits(sweep).TryGetValue(RecordPrefix + protocol.Finding, out var json) ? Read(json, sweep, protocol.Finding) : null;
        var (check, toStore) = RegistrationCheck.Decide(stored, protocol, hasResults, DateTime.UtcNow, acceptChange);
        if (persist && toStore is not null)
        {
            store.EnsureSweep(sweep, []);
            store.RecordFit(sweep, RecordPrefix + protocol.Finding, JsonSerializer.Serialize(toStore));
        }
        return check;
    }

    private static Registration Read(string json, string sweep, string finding)
    {
        try { return JsonSerializer.Deserialize<Registration>(json) ?? throw new JsonException("null"); }
        catch (JsonException e)
        {
            throw new InvalidDataException($"The results store's protocol record of finding '{finding}' (sweep '{sweep}') is damaged ({e.Message}); " +
                                           "rerun the study in a new --runs folder so its protocol is fixed again before its data.");
        }
    }
}
