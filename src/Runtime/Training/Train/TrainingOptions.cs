namespace ViTDsl.Runtime.Train;

/// <summary>How to run a training (not what to train: that is the declaration).</summary>
/// <param name="Root">Folder holding every run's lineage folder (see <see cref="RunLayout"/>).</param>
public sealed record TrainingOptions(string Root)
{
    /// <summary>CPU threads for TorchSharp; null keeps TorchSharp's default.</summary>
    public int? Threads { get; init; }

    /// <summary>Record the training loss every this many steps.</summary>
    public long LogEvery { get; init; } = 10;

    /// <summary>Write a checkpoint every this many steps (besides the branch point and the end); 0: only those.</summary>
    public long CheckpointEvery { get; init; } = 200;

    /// <summary>
    /// Steps at which to keep a checkpoint of the shared prefix besides the run's own branch point: where the shorter
    /// runs of its lineage branch off (<see cref="Lineage.BranchPoints"/>), so that they train only their cooldowns.
    /// </summary>
    internal IReadOnlyCollection<long> BranchPoints { get; init; } = [];

    /// <summary>
    /// Overrides the declaration's <see cref="Experiment.Evaluations"/> (when test error and loss are measured during
    /// training); null keeps the declared ones.
    /// </summary>
    public Evaluations? Evaluations { get; init; }

    /// <summary>Test images to evaluate on (the first n of the test set); null: all.</summary>
    public int? TestImages { get; init; }

    /// <summary>
    /// How the experiment's declared few-shot probes (<see cref="Experiment.FewShot"/>: targets, shots, seeds) fit their
    /// ridge: the paper's λ by default. Null skips the probes (e.g. tests that need only the training).
    /// </summary>
    public Eval.FewShotSettings? FewShot { get; init; } = Eval.FewShotSettings.Paper;

    /// <summary>Training images per class in the pool few-shot shots are drawn from (more when a declared shot count needs them).</summary>
    public int FewShotPoolPerClass { get; init; } = 50;

    /// <summary>Images per evaluation batch.</summary>
    public int EvaluationBatch { get; init; } = 500;

    /// <summary>
    /// Which checkpoints a run may resume from (path, step); null: any intact one. A sweep worker allows only the
    /// checkpoints its store has recorded, so the recorded metrics never have a gap.
    /// </summary>
    internal Func<string, long, bool>? MayResumeFrom { get; init; }

    /// <summary>
    /// Also write TensorBoard event files into the run folder (<see cref="TensorBoard.TensorBoardObserver"/>): on by
    /// default, so <c>tensorboard --logdir runs</c> shows every run and sweep trial.
    /// </summary>
    public bool TensorBoard { get; init; } = true;

    /// <summary>Supplies the data pipeline (e.g. one loaded data set shared across a sweep); null loads it.</summary>
    internal Func<Experiment, Data.DataPipeline>? Data { get; init; }
}
