using System.Globalization;
using System.Text.RegularExpressions;

namespace ViTDsl.Runtime.Train.Checkpoints;

/// <summary>
/// A run's checkpoints in one folder, named <c>step-00001000.ckpt</c>. <see cref="Latest"/> finds the newest one
/// that passes its checksum, so a crash while writing (impossible with atomic writes, but a disk can still damage
/// a file) falls back to the previous checkpoint instead of stopping the run.
/// </summary>
internal sealed partial class CheckpointFolder(string directory)
{
    public string Directory { get; } = directory;

    /// <summary>The file a checkpoint at <paramref name="step"/> goes to.</summary>
    public string PathFor(long step) => Path.Combine(Directory, $"step-{step.ToString("D8", CultureInfo.InvariantCulture)}.ckpt");

    /// <summary>Steps with a checkpoint file, newest first (files are not verified here).</summary>
    public IReadOnlyList<long> Steps() =>
        !System.IO.Directory.Exists(Directory) ? [] :
        System.IO.Directory.EnumerateFiles(Directory, "step-*.ckpt")
            .Select(f => StepPattern().Match(Path.GetFileName(f)))
            .Where(m => m.Success)
            .Select(m => long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture))
            .OrderDescending()
            .ToList();

    /// <summary>
    /// The newest checkpoint whose checksum holds, or null if there is none; each damaged newer one is named in
    /// <paramref name="skipped"/> with the reason.
    /// </summary>
    public (string Path, CheckpointHeader Header)? Latest(out IReadOnlyList<string> skipped)
    {
        var damaged = new List<string>();
        skipped = damaged;
        foreach (long step in Steps())
        {
            string path = PathFor(step);
            try
            {
                return (path, Checkpoint.ReadHeader(path));
            }
            catch (InvalidDataException e)
            {
                damaged.Add(e.Message);
            }
        }
        return null;
    }

    /// <summary>Deletes all but the newest <paramref name="keep"/> checkpoints.</summary>
    public void Prune(int keep)
    {
        if (keep < 1) throw new ArgumentOutOfRangeException(nameof(keep), keep, "keep at least the newest checkpoint");
        foreach (long step in Steps().Skip(keep)) File.Delete(PathFor(step));
    }

    [GeneratedRegex(@"^step-(\d+)\.ckpt$")]
    private static partial Regex StepPattern();
}
