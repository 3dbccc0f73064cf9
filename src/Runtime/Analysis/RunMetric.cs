namespace ViTDsl.Runtime.Analysis;

/// <summary>Which error of a run is analysed: its test error or a k-shot error on a few-shot target.</summary>
public abstract record RunMetric
{
    private RunMetric() { }

    public sealed record Test : RunMetric
    {
        public override string ToString() => "test error";
    }

    /// <param name="Target">The probed data set's target name (e.g. <c>mnist_digits</c>); null: each run's upstream data set.</param>
    public sealed record FewShot(string? Target, int Shots) : RunMetric
    {
        /// <summary>The k-shot error on each run's upstream data set.</summary>
        public FewShot(int shots) : this(null, shots) { }

        public override string ToString() => Target is null ? $"{Shots}-shot error" : $"{Target} {Shots}-shot error";
    }

    /// <summary>The run's value of this metric, or null when it was not measured.</summary>
    public double? Of(RunRecord run) => this switch
    {
        Test => run.TestError,
        FewShot f => run.FewShotError.TryGetValue(new MetricName.FewShot(f.Target ?? run.UpstreamDataSet, f.Shots), out var e) ? e : null,
        _ => throw new InvalidOperationException("unreachable: RunMetric is closed"),
    };

    /// <summary>A short file-safe name: "test", "10shot" (upstream), "mnist_digits_10shot".</summary>
    public string Slug => this switch
    {
        FewShot { Target: null } f => $"{f.Shots}shot",
        FewShot f => $"{f.Target}_{f.Shots}shot",
        _ => "test",
    };

    /// <summary>
    /// Parses "test", a target's k-shot error as <c>fewshot/&lt;target&gt;/&lt;k&gt;shot</c> (or its recorded name
    /// <c>fewshot/&lt;target&gt;/&lt;k&gt;shot_error</c>, or <c>&lt;target&gt;/&lt;k&gt;shot</c>), or the upstream's as
    /// "10shot", "10-shot" or "fewshot:10".
    /// </summary>
    public static RunMetric Parse(string text)
    {
        var t = text.Trim().ToLowerInvariant();
        if (t == "test") return new Test();
        if (t.StartsWith("fewshot/", StringComparison.Ordinal)) t = t["fewshot/".Length..];
        if (t.EndsWith("_error", StringComparison.Ordinal)) t = t[..^"_error".Length];
        int slash = t.LastIndexOf('/');
        var target = slash < 0 ? null : t[..slash];
        var digits = t[(slash + 1)..].Replace("fewshot:", "").Replace("-shot", "").Replace("shot", "");
        if (target is not { Length: 0 } && (target ?? "").All(c => char.IsAsciiLetterOrDigit(c) || c == '_')
            && int.TryParse(digits, out var k) && k > 0)
            return new FewShot(target, k);
        throw new ArgumentException($"Unknown metric '{text}'. Use 'test', a shot count like '10shot' (the upstream data set's), " +
                                    "or a target's like 'fewshot/mnist_digits/10shot'.");
    }
}
