namespace ViTDsl.TestWorker;

/// <summary>
/// One test trial: full-batch gradient descent from w = 0 on <see cref="LeastSquaresProblem"/>. At step s
/// (1-based) it reports the mean squared residual and the gradient norm at the current w, then updates w; every
/// <see cref="CheckpointEvery"/> steps it writes w atomically. <see cref="CrashAtStep"/> kills the worker (SIGKILL,
/// like the out-of-memory killer) at that step on attempt <see cref="CrashOnAttempt"/> (0: every attempt).
/// <see cref="StepDelayMs"/> stretches each step so a test can catch a trial mid-run. <see cref="HangAtStep"/> makes
/// the worker hang at that step on attempt <see cref="HangOnAttempt"/> (0: every attempt), as <see cref="Hang"/> says:
/// <see cref="HangMode.Sleep"/> sleeps forever (heartbeats go on: only a time limit ends it), <see cref="HangMode.Freeze"/>
/// stops the whole process (SIGSTOP: heartbeats stop, like a wedged or swapped-out machine), <see cref="HangMode.Native"/>
/// blocks in a native call that its host cannot give up on either (heartbeats go on; only a kill ends it),
/// <see cref="HangMode.Wait"/> waits until the trial is cancelled (a test holds the trial there, however slow the machine). <see cref="BusyStepMs"/>
/// makes every step that long and deaf to cancellation, like a large model's training step in native code.
/// </summary>
public sealed record LeastSquaresPayload(
    int Seed, int Rows, int Cols, int Steps, double LearningRate, int CheckpointEvery,
    int StepDelayMs = 0, int? CrashAtStep = null, int CrashOnAttempt = 1,
    int? HangAtStep = null, HangMode Hang = HangMode.Sleep, int HangOnAttempt = 1, int BusyStepMs = 0);

/// <summary>How a test trial hangs.</summary>
public enum HangMode { Sleep, Freeze, Native, Wait }
