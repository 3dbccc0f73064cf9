using System.Text.Json;

namespace ViTDsl.Cli;

/// <summary>One JSON style for every `--json` output: camelCase names, indented.</summary>
internal static class CliJson
{
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web) { WriteIndented = true };
}
