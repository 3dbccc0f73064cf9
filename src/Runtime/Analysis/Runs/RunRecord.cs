using ViTDsl.Runtime.Eval;

namespace ViTDsl.Runtime.Analysis;

/// <summary>
/// What analysis needs from one finished training run (or one cooldown branch of an "infinite" schedule).
/// A results store (SQLite, later) and the CSV source both produce these.
/// </summary>
/// <param name="Name">Unique run name.</param>
/// <param name="Variant">Model variant, e.g. "B/16"; runs of one variant form one line in the images-seen figure.</param>
/// <param name="Parameters">Trainable parameters of the model.</param>
/// <param name="ImagesSeen">Training images seen (steps × batch).</param>
/// <param name="TrainingFlops">Training compute in FLOPs (<see cref="TrainingCompute"/>).</param>
/// <param name="TestError">Upstream or fine-tune test error in (0, 1].</param>
internal sealed record RunRecord(string Name, string Variant, long Parameters, long ImagesSeen, double TrainingFlops, double TestError)
{
    /// <summary>Mean few-shot error (over seeds) per target and shots per class, e.g. {(mnist_digits, 10): 0.31}.</summary>
    public IReadOnlyDictionary<FewShotErrorName, double> FewShotError { get; init; } = new Dictionary<FewShotErrorName, double>();

    /// <summary>
    /// The few-shot target name of the data set the run trained on (e.g. <c>fashion_mnist</c>): the target a few-shot
    /// metric that names none means. <see cref="MetricName.UnnamedUpstream"/> for records that do not say.
    /// </summary>
    public string UpstreamDataSet { get; init; } = MetricName.UnnamedUpstream;

    /// <summary>Training compute as a Dsl value, for conversion to device time.</summary>
    public TrainingCompute Compute => new(TrainingFlops);

    /// <summary>
    /// The record of a run of <paramref name="model"/>: parameters and compute come from the Dsl's formulas, so every
    /// caller counts alike.
    /// </summary>
    /// <param name="fewShot">Few-shot results on the upstream data set, if probed.</param>
    /// <param name="dataSet">The upstream data set.</param>
    public static RunRecord Of(string name, Vit model, long imagesSeen, double testError, FewShotResult? fewShot = null, DataSet? dataSet = null)
    {
        var upstream = dataSet is null ? MetricName.UnnamedUpstream : ViTDsl.FewShot.TargetName(dataSet);
        return new(name, model.Variant, ParameterCount.Total(model), imagesSeen, TrainingCompute.Of(model, imagesSeen).Flops, testError)
        {
            FewShotError = (fewShot?.PerShot ?? []).ToDictionary(r => new FewShotErrorName(upstream, r.Shots), r => r.MeanError),
            UpstreamDataSet = upstream,
        };
    }
}
