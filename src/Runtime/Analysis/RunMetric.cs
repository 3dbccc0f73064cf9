namespace ViTDsl.Runtime.Analysis;

/// <summary>Which error of a run is analysed: its test error or its k-shot error.</summary>
public abstract record RunMetric
{
    private RunMetric() { }

    public sealed record Test : RunMetric
    {
        public override string ToString() => "test error";
    }

    public sealed record FewShot(int Shots) : RunMetric
    {
        public override string ToString() => $"{Shots}-shot error";
    }

    /// <summary>The run's value of this metric, or null when it was not measured.</summary>
    public double? Of(RunRecord run) => this switch
    {
        Test => run.TestError,
        FewShot f => run.FewShotError.TryGetValue(f.Shots, out var e) ? e : null,
        _ => throw new InvalidOperationException("unreachable: RunMetric is closed"),
    };

    /// <summary>A short file-safe name: "test", "10shot".</summary>
    public string Slug => this switch { FewShot f => $"{f.Shots}shot", _ => "test" };

    /// <summary>Parses "test" or "K-shot"/"Kshot"/"fewshot:K".</summary>
    public static RunMetric Parse(string text)
    {
        var t = text.Trim().ToLowerInvariant();
        if (t == "test") return new Test();
        var digits = t.Replace("fewshot:", "").Replace("-shot", "").Replace("shot", "");
        if (int.TryParse(digits, out var k) && k > 0) return new FewShot(k);
        throw new ArgumentException($"Unknown metric '{text}'. Use 'test' or a shot count like '10shot'.");
    }
}
