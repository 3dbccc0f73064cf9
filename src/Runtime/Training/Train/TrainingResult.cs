namespace ViTDsl.Runtime.Train;

/// <summary>What a finished run measured; written as result.json in its run folder.</summary>
public sealed record TrainingResult(
    string Name, string Variant, long Parameters, long Steps, long ImagesSeen, double TrainingFlops,
    double TestError, double TestLoss, double FinalTrainLoss)
{
    /// <summary>
    /// Mean few-shot error over the probe seeds, by metric name (<see cref="FewShotErrorName"/>, e.g.
    /// <c>fewshot/mnist_digits/10shot_error</c>): one per declared target and shot count.
    /// </summary>
    public IReadOnlyDictionary<string, double> FewShotError { get; init; } = new Dictionary<string, double>();

    /// <summary>Seconds the final evaluation spent on each few-shot target (part of <see cref="EvaluateSeconds"/>).</summary>
    public IReadOnlyDictionary<string, double> FewShotSeconds { get; init; } = new Dictionary<string, double>();

    /// <summary>The precision the run trained in ("fp32" or "bf16"; what a <see cref="Precision.Auto"/> declaration resolved to).</summary>
    public string? Precision { get; init; }

    /// <summary>Step this run started from (0, a shared prefix checkpoint, or its own checkpoint).</summary>
    public long ResumedFrom { get; init; }

    /// <summary>Seconds spent loading data and model, training, and evaluating in the call that finished the run.</summary>
    public double LoadSeconds { get; init; }
    public double TrainSeconds { get; init; }
    public double EvaluateSeconds { get; init; }

    /// <summary>Seconds spent in the periodic evaluations during training (<see cref="Experiment.Evaluations"/>), not in <see cref="TrainSeconds"/>.</summary>
    public double PeriodicEvaluateSeconds { get; init; }

    /// <summary>Training FLOPs this call computed: its own steps, not a shared prefix it resumed from.</summary>
    public double TrainedFlops { get; init; }

    /// <summary>Achieved training GFLOP/s of this call: <see cref="TrainedFlops"/> over <see cref="TrainSeconds"/>.</summary>
    public double AchievedGflops => TrainSeconds > 0 ? TrainedFlops / TrainSeconds / 1e9 : 0;
}
