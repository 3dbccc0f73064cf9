using System.Globalization;

namespace ViTDsl.Runtime;

/// <summary>
/// The one vocabulary of metric names: what the trainer writes to a run's metrics file, what a sweep worker reports
/// and the results store keeps, the columns of a runs CSV, and what analysis reads back. Few-shot errors are named
/// per target data set and shot count, <c>fewshot/&lt;target&gt;/&lt;k&gt;shot_error</c> (see <see cref="FewShot"/>);
/// <see cref="TryParseFewShot"/> also reads the spellings of stores and files written before targets existed.
/// </summary>
public static class MetricName
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

    private const string FewShotPrefix = "fewshot/", FewShotSuffix = "shot_error";

    /// <summary>
    /// The target recorded for few-shot errors of runs that predate per-target names (<c>fewshot/K</c>,
    /// <c>fewshot_K</c>): those probed the upstream data set, which such records do not name.
    /// </summary>
    public const string UnnamedUpstream = "upstream";

    /// <summary>A few-shot error's identity: the probed data set (<see cref="ViTDsl.FewShot.TargetName"/>) and shots per class.</summary>
    public readonly record struct FewShot(string Target, int Shots)
    {
        /// <summary>The metric name, e.g. <c>fewshot/mnist_digits/10shot_error</c>.</summary>
        public string Name => $"{FewShotPrefix}{Target}/{Shots.ToString(CultureInfo.InvariantCulture)}{FewShotSuffix}";

        public override string ToString() => Name;
    }

    /// <summary>The name of the <paramref name="shots"/>-shot error on <paramref name="target"/>.</summary>
    public static string FewShotError(DataSet target, int shots) => new FewShot(ViTDsl.FewShot.TargetName(target), shots).Name;

    /// <summary>
    /// Reads a few-shot metric name: <c>fewshot/&lt;target&gt;/&lt;k&gt;shot_error</c>, and the older spellings that named
    /// no target and meant the upstream data set, <paramref name="upstream"/>: <c>fewshot/K</c> (sweep stores),
    /// <c>fewshot/Kshot_error</c> (metrics files) and <c>fewshot_K</c> (runs CSV columns).
    /// </summary>
    /// <returns>False for any other metric name.</returns>
    public static bool TryParseFewShot(string name, string upstream, out FewShot metric)
    {
        metric = default;
        if (name.StartsWith("fewshot_", StringComparison.Ordinal))
            return Shots(name["fewshot_".Length..], out var k) && Set(out metric, upstream, k);
        if (!name.StartsWith(FewShotPrefix, StringComparison.Ordinal)) return false;
        var rest = name[FewShotPrefix.Length..];
        int slash = rest.LastIndexOf('/');
        var (target, last) = slash < 0 ? (upstream, rest) : (rest[..slash], rest[(slash + 1)..]);
        if (target.Length == 0) return false;
        if (last.EndsWith(FewShotSuffix, StringComparison.Ordinal)) last = last[..^FewShotSuffix.Length];
        else if (slash >= 0) return false; // fewshot/<target>/… is always …shot_error
        return Shots(last, out var shots) && Set(out metric, target, shots);
    }

    private static bool Shots(string text, out int shots) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out shots) && shots > 0;

    private static bool Set(out FewShot metric, string target, int shots)
    {
        metric = new FewShot(target, shots);
        return true;
    }
}
