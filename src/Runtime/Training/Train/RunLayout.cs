using System.Security.Cryptography;
using System.Text;

namespace ViTDsl.Runtime.Train;

/// <summary>
/// Where a run's files live. Runs that differ only in length share a lineage (<see cref="Lineage"/>) and its folder:
/// <c>ROOT/LINEAGE/shared/step-N.ckpt</c> are checkpoints on the shared prefix that any run of the lineage may
/// resume from; <c>ROOT/LINEAGE/steps-T/</c> holds one run's own checkpoint (past its branch point), metrics and
/// result.
/// </summary>
internal sealed class RunLayout
{
    public RunLayout(string root, Experiment experiment)
    {
        var key = Lineage.KeyOf(experiment);
        LineageName = $"{Slug(experiment.Model.Variant)}-{Hash(key)}";
        LineageDirectory = Path.Combine(root, LineageName);
        RunDirectory = Path.Combine(LineageDirectory, $"steps-{experiment.Steps}");
        LineageKey = key;
    }

    public string LineageName { get; }
    public string LineageKey { get; }
    public string LineageDirectory { get; }
    public string RunDirectory { get; }
    public string SharedDirectory => Path.Combine(LineageDirectory, "shared");
    public string OwnCheckpoint => Path.Combine(RunDirectory, "checkpoint.ckpt");
    public string Metrics => Path.Combine(RunDirectory, "metrics.jsonl");
    public string Result => Path.Combine(RunDirectory, "result.json");

    /// <summary>The model's weights after the last step, for fine-tunes that start from this run.</summary>
    public string FinalWeights => Path.Combine(RunDirectory, "final.ckpt");

    /// <summary>The final pre-logits features (test set, few-shot pool) and labels, for probes run later.</summary>
    public string Features => Path.Combine(RunDirectory, "features.ckpt");

    public string SharedCheckpoint(long step) => Path.Combine(SharedDirectory, $"step-{step:D10}.ckpt");

    /// <summary>Shared checkpoints at or before <paramref name="maxStep"/>, latest first.</summary>
    public IEnumerable<(long Step, string Path)> SharedCheckpointsUpTo(long maxStep) =>
        !Directory.Exists(SharedDirectory) ? []
        : Directory.GetFiles(SharedDirectory, "step-*.ckpt")
            .Select(p => (Step: long.TryParse(Path.GetFileNameWithoutExtension(p)["step-".Length..], out var s) ? s : -1, Path: p))
            .Where(c => c.Step >= 0 && c.Step <= maxStep)
            .OrderByDescending(c => c.Step);

    public void Create()
    {
        Directory.CreateDirectory(RunDirectory);
        Directory.CreateDirectory(SharedDirectory);
        var keyFile = Path.Combine(LineageDirectory, "lineage.txt");
        if (!File.Exists(keyFile)) File.WriteAllText(keyFile, LineageKey + Environment.NewLine);
    }

    private static string Hash(string text) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..12].ToLowerInvariant();

    private static string Slug(string text) => new(text.Select(c => char.IsLetterOrDigit(c) ? c : '-').ToArray());
}
