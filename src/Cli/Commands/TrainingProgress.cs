using Spectre.Console;
using ViTDsl.Runtime;
using ViTDsl.Runtime.Models;
using ViTDsl.Runtime.Train;

namespace ViTDsl.Cli;

/// <summary>A live progress bar for one training run: step, loss, images/s and the remaining time.</summary>
internal static class TrainingProgress
{
    public static TrainingResult Show(GeneratedExperiment experiment, Func<ITrainingObserver, TrainingResult> train)
    {
        TrainingResult? result = null;
        AnsiConsole.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
            .Start(context =>
            {
                var task = context.AddTask(Markup.Escape(experiment.Name), maxValue: experiment.Declaration.Steps);
                result = train(new Observer(task, experiment.Name));
                task.Value = task.MaxValue;
            });
        return result!;
    }

    private sealed class Observer(ProgressTask task, string name) : ITrainingObserver
    {
        public void Started(string _, long fromStep, long totalSteps)
        {
            task.Value = fromStep;
            if (fromStep > 0) AnsiConsole.MarkupLine($"[grey]{Markup.Escape(name)}: resuming at step {fromStep} of {totalSteps}[/]");
        }

        public void Stepped(long step, double loss, double imagesPerSecond)
        {
            task.Value = step;
            task.Description = $"{Markup.Escape(name)} step {step}/{task.MaxValue:0} loss {loss:F3} {imagesPerSecond:F0} img/s";
        }

        public void Evaluated(long step, IReadOnlyDictionary<string, double> metrics) =>
            task.Description = $"{Markup.Escape(name)} evaluated: test error {metrics[MetricName.TestError]:P2}";

        public void Log(string message) => AnsiConsole.MarkupLine($"[grey]{Markup.Escape(message)}[/]");
    }
}
