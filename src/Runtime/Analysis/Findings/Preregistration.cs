using System.Security.Cryptography;
using System.Text;

namespace ViTDsl.Runtime.Analysis.Findings;

/// <summary>
/// What a finding commits to before its study has data: the claim, the study's declaration, the metric, the margin and
/// the rule, as one canonical text whose hash is stored with the study's results the first time it trains.
/// </summary>
/// <param name="Finding">The finding's name, e.g. "pooling".</param>
/// <param name="Text">The canonical text the hash is taken of.</param>
internal sealed record Protocol(string Finding, string Text)
{
    /// <summary>SHA-256 of <see cref="Text"/> (UTF-8), lower-case hex.</summary>
    public string Hash { get; } = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Text)));
}

/// <summary>A protocol as it was stored: its hash and text, when it was fixed, and whether the study had results then.</summary>
internal sealed record Registration(string Hash, string Text, DateTime FixedUtc, bool BeforeData)
{
    public string ShortHash => Hash[..Math.Min(12, Hash.Length)];
}

/// <summary>How a finding's protocol now relates to the one stored with its study.</summary>
internal enum RegistrationState
{
    /// <summary>Stored now, before the study has any result.</summary>
    Fixed,
    /// <summary>The stored protocol, unchanged.</summary>
    Unchanged,
    /// <summary>Changed while the study had no result yet: the new protocol replaced the old one.</summary>
    RevisedBeforeData,
    /// <summary>Changed after the study had results: the verdict is withheld unless the change is accepted.</summary>
    ChangedAfterData,
    /// <summary>First stored when the study already had results (a store that predates pre-registration).</summary>
    FixedAfterData,
}

/// <summary>
/// The outcome of checking a finding's protocol against its study's store: its state, the registration that stands,
/// the one it replaced or contradicts, and whether a change after data was accepted on the command line.
/// </summary>
internal sealed record RegistrationCheck(RegistrationState State, Registration Current, Registration? Was, bool Accepted)
{
    /// <summary>A verdict is given only for a protocol fixed before the data, or a change the user accepted (and the report says so).</summary>
    public bool WithholdsVerdict => State is RegistrationState.ChangedAfterData or RegistrationState.FixedAfterData && !Accepted;

    /// <summary>
    /// Decides the state from the stored registration (null: none), the protocol now, and whether the study has
    /// results; returns the registration to store, or null when the stored one must stay (it is the record of what
    /// was fixed before the data).
    /// </summary>
    public static (RegistrationCheck Check, Registration? ToStore) Decide(Registration? stored, Protocol now, bool hasResults, DateTime utcNow, bool acceptChange)
    {
        var fresh = new Registration(now.Hash, now.Text, utcNow, BeforeData: !hasResults);
        if (stored is null)
            return (new RegistrationCheck(hasResults ? RegistrationState.FixedAfterData : RegistrationState.Fixed, fresh, null, acceptChange), fresh);
        if (stored.Hash == now.Hash)
            return (new RegistrationCheck(stored.BeforeData ? RegistrationState.Unchanged : RegistrationState.FixedAfterData, stored, null, acceptChange), null);
        return hasResults
            ? (new RegistrationCheck(RegistrationState.ChangedAfterData, fresh, stored, acceptChange), null)
            : (new RegistrationCheck(RegistrationState.RevisedBeforeData, fresh, stored, acceptChange), fresh);
    }

    /// <summary>One line for the report.</summary>
    public string Describe() => State switch
    {
        RegistrationState.Fixed or RegistrationState.Unchanged =>
            $"protocol {Current.ShortHash} fixed {Stamp(Current.FixedUtc)}, before any result of its study; unchanged since",
        RegistrationState.RevisedBeforeData =>
            $"protocol {Current.ShortHash} fixed {Stamp(Current.FixedUtc)}, before any result of its study (it replaced {Was!.ShortHash}, fixed {Stamp(Was.FixedUtc)}, also before any result)",
        RegistrationState.ChangedAfterData =>
            $"**rule changed after data** (was {Was!.ShortHash}, fixed {Stamp(Was.FixedUtc)}; now {Current.ShortHash}): " +
            (Accepted ? "judged anyway because `--accept-changed-rule` was given" : "verdict withheld; rerun the study from scratch (a new `--runs` folder or store) or pass `--accept-changed-rule`"),
        RegistrationState.FixedAfterData =>
            $"**protocol {Current.ShortHash} first fixed {Stamp(Current.FixedUtc)}, after its study already had results** (the store predates pre-registration): " +
            (Accepted ? "judged anyway because `--accept-changed-rule` was given" : "verdict withheld; rerun the study from scratch or pass `--accept-changed-rule`"),
        _ => throw new ArgumentOutOfRangeException(nameof(State), State, "unknown registration state"),
    };

    private static string Stamp(DateTime utc) => utc.ToString("yyyy-MM-dd HH:mm 'UTC'", System.Globalization.CultureInfo.InvariantCulture);
}
