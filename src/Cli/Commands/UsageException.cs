namespace ViTDsl.Cli;

/// <summary>The command line asked for something that does not exist or cannot be (exit code <see cref="ExitCodes.UsageError"/>).</summary>
public sealed class UsageException(string message) : Exception(message);
