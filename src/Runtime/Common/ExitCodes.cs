namespace ViTDsl.Runtime;

/// <summary>
/// Every exit code ViTDsl's processes return, in one place so scripts (and the sweep runner reading its workers)
/// can tell outcomes apart. A worker's codes lie outside the command line's so "exit 3" in a log means one thing.
/// </summary>
public static class ExitCodes
{
    // The command line (`vitdsl …`).
    public const int Success = 0;
    /// <summary>The work failed: a trial failed, a store or checkpoint is corrupt, an unexpected error.</summary>
    public const int Failure = 1;
    /// <summary>The command was wrong: an unknown name, a bad option value. Nothing was started.</summary>
    public const int UsageError = 2;
    /// <summary>A data set or input file the command needs is not on this machine.</summary>
    public const int DataMissing = 3;
    /// <summary>Stopped by Ctrl+C or SIGTERM; what was done is kept (128 + SIGINT, the shell's convention).</summary>
    public const int Interrupted = 130;

    // A sweep worker process (`vitdsl worker`), read by the sweep runner.
    public const int TrialFailed = 10;
    public const int WorkerProtocolError = 11;
    public const int TrialCancelled = 12;
}
