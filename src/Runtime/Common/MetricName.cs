using System.Globalization;

namespace ViTDsl.Runtime;

/// <summary>
/// The one vocabulary of metric names: what the trainer writes to a run's metrics file, what a sweep worker reports
/// and the results store keeps, the columns of a runs CSV, and what analysis reads back. Few-shot errors are named
/// per target data set and shot count, <c>fewshot/&lt;target&gt;/&lt;k&gt;shot_error</c> (<see cref="FewShotErrorName"/>).
/// </summary>
internal static class MetricName
{
    public const string TrainLoss = "train/loss";
    public const string TrainImagesPerSecond = "train/images_per_second";

    /// <summary>Training FLOPs a trial's last attempt computed (a branch counts its own steps only).</summary>
    public const string TrainFlops = "train/flops";

    /// <summary>That attempt's achieved training GFLOP/s (its FLOPs over its training time).</summary>
    public const string AchievedGflops = "train/achieved_gflops";

    /// <summary>Seconds the attempt spent on periodic evaluations (kept out of its training time).</summary>
    public const string PeriodicEvaluateSeconds = "train/periodic_evaluate_seconds";

    public const string TestError = "test/error";
    public const string TestLoss = "test/loss";

    /// <summary>
    /// The target recorded for few-shot errors of runs whose upstream data set is not known (records that predate
    /// per-target names, migrated by the results store to this target).
    /// </summary>
    public const string UnnamedUpstream = "upstream";

    /// <summary>The name of the <paramref name="shots"/>-shot error on <paramref name="target"/>.</summary>
    public static string FewShotError(DataSet target, int shots) => new FewShotErrorName(ViTDsl.FewShot.TargetName(target), shots).Name;
}

/// <summary>
/// A recorded few-shot error's identity: the probed data set (<see cref="ViTDsl.FewShot.TargetName"/>) and shots per
/// class. Its name, <c>fewshot/&lt;target&gt;/&lt;k&gt;shot_error</c>, is the one spelling everywhere (metrics files,
/// results stores, runs CSV columns), and <see cref="TryParse"/> is the one parser of few-shot metric names.
/// </summary>
internal readonly record struct FewShotErrorName(string Target, int Shots)
{
    private const string Prefix = "fewshot/", Suffix = "shot_error";

    /// <summary>The metric name, e.g. <c>fewshot/mnist_digits/10shot_error</c>.</summary>
    public string Name => $"{Prefix}{Target}/{Shots.ToString(CultureInfo.InvariantCulture)}{Suffix}";

    public override string ToString() => Name;

    /// <summary>Reads <c>fewshot/&lt;target&gt;/&lt;k&gt;shot_error</c> (target: letters, digits, '_'; k ≥ 1); false for any other name.</summary>
    public static bool TryParse(string name, out FewShotErrorName metric)
    {
        metric = default;
        if (!name.StartsWith(Prefix, StringComparison.Ordinal) || !name.EndsWith(Suffix, StringComparison.Ordinal)) return false;
        var rest = name[Prefix.Length..^Suffix.Length];
        int slash = rest.IndexOf('/');
        if (slash <= 0) return false;
        var target = rest[..slash];
        if (!target.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '_')) return false;
        if (!int.TryParse(rest[(slash + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var shots) || shots < 1) return false;
        metric = new FewShotErrorName(target, shots);
        return true;
    }
}
