namespace ViTDsl.Experiments.Cli;

/// <summary>Exit codes shared by every command, so scripts can tell failures apart.</summary>
public static class ExitCodes
{
    public const int Success = 0;
    public const int Failure = 1;
    public const int UsageError = 2;
    public const int DataMissing = 3;
}
