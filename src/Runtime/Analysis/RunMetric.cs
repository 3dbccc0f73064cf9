using System.Globalization;

namespace ViTDsl.Runtime.Analysis;

/// <summary>
/// Which error of a run is analysed: its test error or a k-shot error on a few-shot target. Its names
/// (<see cref="Name"/>) are what <c>--metric</c> takes and <see cref="Parse"/> reads, one spelling each.
/// </summary>
internal abstract record RunMetric
{
    private RunMetric() { }

    public sealed record Test : RunMetric
    {
        public override string ToString() => "test error";
    }

    /// <param name="Target">The probed data set's target name (e.g. <c>mnist_digits</c>); null: each run's upstream data set.</param>
    public sealed record FewShotError(string? Target, int Shots) : RunMetric
    {
        /// <summary>The k-shot error on each run's upstream data set.</summary>
        public FewShotError(int shots) : this(null, shots) { }

        public override string ToString() => Target is null ? $"{Shots}-shot error" : $"{Target} {Shots}-shot error";
    }

    /// <summary>The run's value of this metric, or null when it was not measured.</summary>
    public double? Of(RunRecord run) => this switch
    {
        Test => run.TestError,
        FewShotError f => run.FewShotError.TryGetValue(new FewShotErrorName(f.Target ?? run.UpstreamDataSet, f.Shots), out var e) ? e : null,
        _ => throw new InvalidOperationException("unreachable: RunMetric is closed"),
    };

    /// <summary>A short file-safe name: "test", "10shot" (upstream), "mnist_digits_10shot".</summary>
    public string Slug => this switch
    {
        FewShotError { Target: null } f => $"{f.Shots}shot",
        FewShotError f => $"{f.Target}_{f.Shots}shot",
        _ => "test",
    };

    /// <summary>
    /// The metric's name: "test", "10shot" (the upstream data set's 10-shot error) or a target's recorded name,
    /// "fewshot/mnist_digits/10shot_error" (<see cref="FewShotErrorName"/>).
    /// </summary>
    public string Name => this switch
    {
        FewShotError { Target: null } f => $"{f.Shots.ToString(CultureInfo.InvariantCulture)}{UpstreamSuffix}",
        FewShotError f => new FewShotErrorName(f.Target!, f.Shots).Name,
        _ => TestName,
    };

    private const string TestName = "test", UpstreamSuffix = "shot";

    /// <summary>Reads a <see cref="Name"/>: "test", "&lt;k&gt;shot" or "fewshot/&lt;target&gt;/&lt;k&gt;shot_error".</summary>
    /// <exception cref="ArgumentException">Any other text, with the names it takes.</exception>
    public static RunMetric Parse(string text)
    {
        var t = text.Trim();
        if (t == TestName) return new Test();
        if (t.EndsWith(UpstreamSuffix, StringComparison.Ordinal)
            && int.TryParse(t[..^UpstreamSuffix.Length], NumberStyles.None, CultureInfo.InvariantCulture, out var k) && k > 0)
            return new FewShotError(k);
        if (FewShotErrorName.TryParse(t, out var recorded)) return new FewShotError(recorded.Target, recorded.Shots);
        throw new ArgumentException($"'{text}' is not a metric; use test, a shot count on the upstream data set such as 10shot, " +
                                    "or a target's few-shot error such as fewshot/mnist_digits/10shot_error.");
    }
}
