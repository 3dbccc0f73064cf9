using System.Data.Common;
using System.Globalization;
using System.Text.Json;

namespace ViTDsl.Runtime.Store;

/// <summary>
/// Schema 4: every few-shot metric under its one name, <c>fewshot/&lt;target&gt;/&lt;k&gt;shot_error</c>
/// (<see cref="FewShotErrorName"/>). Stores written before few-shot targets named the upstream data set's errors
/// <c>fewshot/K</c> (sweep workers) or <c>fewshot/Kshot_error</c> (metrics files); their target is the data set the
/// trial's spec names (<see cref="MetricName.UnnamedUpstream"/> when it names none). They are renamed once, with their
/// checksums, when the store is opened, so that no reader parses the old spellings.
/// </summary>
internal static class MetricNameMigration
{
    private const string OldPrefix = "fewshot/", OldSuffix = "shot_error";

    public static void Apply(ResultsStore store, DbTransaction tx)
    {
        var old = new List<(long Trial, string Name, long Step, double? Value, string Spec)>();
        using (var select = store.Command(
            "SELECT m.trial_id, m.name, m.step, m.value, t.spec_json FROM metrics m JOIN trials t ON t.id = m.trial_id WHERE m.name LIKE 'fewshot/%'", tx))
        using (var reader = select.ExecuteReader())
            while (reader.Read())
                if (OldShots(reader.GetString(1)) is not null)
                    old.Add((reader.GetInt64(0), reader.GetString(1), reader.GetInt64(2), reader.IsDBNull(3) ? null : reader.GetDouble(3), reader.GetString(4)));
        foreach (var (trial, name, step, value, spec) in old)
        {
            var renamed = new FewShotErrorName(UpstreamOf(spec), OldShots(name)!.Value).Name;
            store.Execute("UPDATE metrics SET name = @new, crc = @crc WHERE trial_id = @t AND name = @old AND step = @s", tx,
                ("@new", renamed), ("@crc", MetricChecksum.Of(trial, renamed, step, value)), ("@t", trial), ("@old", name), ("@s", step));
        }
    }

    /// <summary>The shot count of an old spelling, <c>fewshot/K</c> or <c>fewshot/Kshot_error</c>; null for any other name.</summary>
    private static int? OldShots(string name)
    {
        if (!name.StartsWith(OldPrefix, StringComparison.Ordinal)) return null;
        var rest = name[OldPrefix.Length..];
        if (rest.EndsWith(OldSuffix, StringComparison.Ordinal)) rest = rest[..^OldSuffix.Length];
        return int.TryParse(rest, NumberStyles.None, CultureInfo.InvariantCulture, out var shots) && shots > 0 ? shots : null;
    }

    private static string UpstreamOf(string specJson)
    {
        try
        {
            using var spec = JsonDocument.Parse(specJson);
            return spec.RootElement.TryGetProperty("dataSet", out var dataSet) && dataSet.GetString() is { Length: > 0 } target
                ? target : MetricName.UnnamedUpstream;
        }
        catch (JsonException)
        {
            return MetricName.UnnamedUpstream;
        }
    }
}
