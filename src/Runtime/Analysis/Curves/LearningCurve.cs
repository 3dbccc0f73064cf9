namespace ViTDsl.Runtime.Analysis;

/// <summary>The axis a learning curve is fitted and drawn against.</summary>
internal enum CurveAxis
{
    /// <summary>Training images seen (steps × batch), the paper's Figure 2 (right).</summary>
    Images,
    /// <summary>Optimizer steps.</summary>
    Steps,
    /// <summary>Training compute in device-days of the analysis' unit.</summary>
    Compute,
}

/// <summary>One periodic evaluation: the test error after <paramref name="Step"/> steps.</summary>
internal sealed record CurvePoint(long Step, double Error);

/// <summary>
/// One model's test error over training, from the periodic evaluations its runs recorded. Runs of one lineage share
/// their training up to their cooldowns, so their evaluations before it lie on one curve and are pooled here; evaluations
/// inside a cooldown belong to that run alone and are left out (the final, cooled-down errors are what <c>fit</c> without
/// <c>--curve</c> fits against compute).
/// </summary>
/// <param name="Label">Names the model in reports: its variant (and seed, where the runs name one), with the longest run's name where variants repeat.</param>
/// <param name="Variant">Model variant, e.g. "fashion7-s".</param>
/// <param name="Parameters">Trainable parameters.</param>
/// <param name="Batch">Images per step.</param>
/// <param name="FlopsPerImage">Training FLOPs per image seen.</param>
/// <param name="Runs">The runs whose evaluations were pooled.</param>
/// <param name="Points">Evaluations in ascending steps.</param>
internal sealed record LearningCurve(string Label, string Variant, long Parameters, long Batch, double FlopsPerImage,
    IReadOnlyList<string> Runs, IReadOnlyList<CurvePoint> Points)
{
    /// <summary>Training images of the model's data subset; null when the whole set was used or the store does not say.</summary>
    public long? TrainImages { get; init; }

    /// <summary>The data seed of the model's runs, where their names say it (a sweep with a seed axis); null otherwise.</summary>
    public string? Seed { get; init; }

    /// <summary>
    /// The figure's label: model · data size (e.g. "fashion7-s · 30k images"), the variant alone when the size is unknown;
    /// then the seed where the runs name one, so that two seeds of a model are told apart ("… · seed 1").
    /// </summary>
    public string ShortLabel => TrainImages is { } n ? $"{Variant} · {Count(n)} images{SeedSuffix(Seed)}" : Label;

    /// <summary>How a label names a seed: " · seed S", or nothing without one.</summary>
    public static string SeedSuffix(string? seed) => seed is null ? "" : $" · seed {seed}";

    private static string Count(long n) => n >= 1_000_000 && n % 100_000 == 0 ? $"{n / 1e6:0.#}M"
        : n >= 1000 && n % 100 == 0 ? $"{n / 1e3:0.#}k" : n.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Where a step lies on <paramref name="axis"/> (compute in <paramref name="unit"/>).</summary>
    public double X(long step, CurveAxis axis, ComputeUnit unit) => axis switch
    {
        CurveAxis.Images => (double)step * Batch,
        CurveAxis.Steps => step,
        CurveAxis.Compute => unit.Of(new TrainingCompute(FlopsPerImage * step * Batch)),
        _ => throw new ArgumentOutOfRangeException(nameof(axis), axis, "unknown curve axis"),
    };

    /// <summary>The curve as (x, error) points on <paramref name="axis"/>.</summary>
    public IReadOnlyList<ScalingPoint> On(CurveAxis axis, ComputeUnit unit) =>
        Points.Select(p => new ScalingPoint(X(p.Step, axis, unit), p.Error)).ToList();

}
