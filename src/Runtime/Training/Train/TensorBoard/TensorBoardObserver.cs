using ViTDsl.Runtime.Models;

namespace ViTDsl.Runtime.Train.TensorBoard;

/// <summary>
/// Mirrors a run's progress into TensorBoard event files in its run folder, beside metrics.jsonl: the training loss,
/// learning rate and images/s at each logged step, every evaluation's metrics under the metrics file's names
/// (<c>test/error</c>, <c>fewshot/&lt;target&gt;/&lt;k&gt;shot_error</c>, …), and the declaration as text. Then passes
/// everything on to the observer it wraps.
/// </summary>
internal sealed class TensorBoardObserver(ITrainingObserver inner, TensorBoardEvents events, GeneratedExperiment experiment) : ITrainingObserver
{
    public const string LearningRate = "train/learning_rate", ImagesPerSecond = MetricName.TrainImagesPerSecond, Declaration = "declaration";

    /// <summary>The observer to train with: <paramref name="observer"/> mirrored to TensorBoard unless the options turn it off.</summary>
    public static ITrainingObserver Attach(ITrainingObserver observer, TrainingOptions options, RunLayout layout, GeneratedExperiment experiment) =>
        options.TensorBoard ? new TensorBoardObserver(observer, new TensorBoardEvents(layout.RunDirectory), experiment) : observer;

    private long total;

    public void Started(string name, long fromStep, long totalSteps)
    {
        total = totalSteps;
        events.Text(Declaration, fromStep, $"**{name}**\n\n```\n{SourceText.Pretty(experiment.Declaration)}\n```");
        inner.Started(name, fromStep, totalSteps);
    }

    public void Stepped(long step, double loss, double imagesPerSecond)
    {
        var declaration = experiment.Declaration;
        events.Scalar(MetricName.TrainLoss, step, loss);
        // The rate of the step just taken (step − 1 counted from 0), as the optimizer applied it.
        events.Scalar(LearningRate, step, declaration.LearningRate * declaration.Schedule.Multiplier(step - 1, total));
        events.Scalar(ImagesPerSecond, step, imagesPerSecond);
        inner.Stepped(step, loss, imagesPerSecond);
    }

    public void Evaluated(long step, IReadOnlyDictionary<string, double> metrics)
    {
        foreach (var (name, value) in metrics) events.Scalar(name, step, value);
        inner.Evaluated(step, metrics);
    }

    public void Checkpointed(long step, string path) => inner.Checkpointed(step, path);

    public void Log(string message) => inner.Log(message);
}
