namespace ViTDsl.TestWorker;

/// <summary>
/// One test trial: full-batch gradient descent from w = 0 on <see cref="LeastSquaresProblem"/>. At step s
/// (1-based) it reports the mean squared residual and the gradient norm at the current w, then updates w; every
/// <see cref="CheckpointEvery"/> steps it writes w atomically. <see cref="CrashAtStep"/> kills the worker (SIGKILL,
/// like the out-of-memory killer) at that step on attempt <see cref="CrashOnAttempt"/> (0: every attempt).
/// <see cref="StepDelayMs"/> stretches each step so a test can catch a trial mid-run.
/// </summary>
public sealed record LeastSquaresPayload(
    int Seed, int Rows, int Cols, int Steps, double LearningRate, int CheckpointEvery,
    int StepDelayMs = 0, int? CrashAtStep = null, int CrashOnAttempt = 1);
