using System.Runtime.InteropServices;
using ViTDsl.Runtime.Cluster;
using ViTDsl.Runtime.Store;

namespace ViTDsl.Cli;

/// <summary>
/// The command line's one error policy: each kind of failure maps to one <see cref="ExitCodes"/> value and one line on
/// standard error that names the problem and the fix. Commands throw; only this class decides what a failure prints.
/// </summary>
internal static class CliErrors
{
    /// <summary>The exit code and message line of a failure.</summary>
    public static (int Code, string Line) Describe(Exception e) => e switch
    {
        AggregateException { InnerExceptions.Count: 1 } a => Describe(a.InnerExceptions[0]),
        UsageException or UnknownPartitionException or SharedStoreRequiredException => (ExitCodes.UsageError, $"error: {e.Message}"),
        ClusterException => (ExitCodes.Failure, $"error: {e.Message}"),
        OperationCanceledException => (ExitCodes.Interrupted, "stopped: everything up to here is kept; run the same command again to resume."),
        FileNotFoundException or DirectoryNotFoundException => (ExitCodes.DataMissing, $"error: {e.Message}"),
        StoreException or InvalidDataException => (ExitCodes.Failure, $"error: {e.Message}"),
        ViTDsl.Runtime.Workers.SweepEnvironmentException => (ExitCodes.Failure, $"stopped: {e.Message}"),
        // Raised by the library when a value the user chose is out of range (a preset name, an empty run set).
        ArgumentException or NotSupportedException => (ExitCodes.Failure, $"error: {e.Message}"),
        ExternalException => (ExitCodes.Failure, $"error: libtorch failed: {OneLine(e.Message)}. Run again with --verbose for the stack trace and report it."),
        _ => (ExitCodes.Failure, $"error: unexpected {e.GetType().Name}: {OneLine(e.Message)}. This is a bug in ViTDsl: run again with --verbose and report the stack trace."),
    };

    /// <summary>Writes the failure's line (and, when <paramref name="verbose"/>, its stack trace) and returns its exit code.</summary>
    public static int Report(Exception e, TextWriter error, bool verbose)
    {
        var (code, line) = Describe(e);
        error.WriteLine(OneLine(line));
        if (verbose) error.WriteLine(e.ToString());
        return code;
    }

    private static string OneLine(string text) => string.Join(" ", text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
}
