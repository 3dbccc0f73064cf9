namespace ViTDsl.Cli;

/// <summary>The command line asked for something that does not exist or cannot be (exit code <see cref="ExitCodes.UsageError"/>).</summary>
internal sealed class UsageException(string message) : Exception(message);
