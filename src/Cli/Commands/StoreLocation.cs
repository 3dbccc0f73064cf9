using System.CommandLine;
using ViTDsl.Runtime.Analysis;
using ViTDsl.Runtime.Cluster;

namespace ViTDsl.Cli;

/// <summary>
/// Where a command's results store is: <c>--store</c>, else the <c>VITDSL_STORE</c> environment variable, else
/// <c>RUNS/results.db</c>. A PostgreSQL URL (<c>postgres://user:password@host/database</c>) is the store a cluster's
/// nodes share; an SQLite file is for one machine.
/// </summary>
internal static class StoreLocation
{
    public static Option<string?> Option() => new("--store")
    {
        Description = $"The results store: an SQLite file (default: RUNS/{RunSources.StoreFileName}) or postgres://user:password@host:port/database " +
                      $"for a store every cluster node can write to (default: ${SlurmArray.StoreVariable} when set).",
    };

    public static string Resolve(string? option, string runs) =>
        option is { Length: > 0 } ? option
        : Environment.GetEnvironmentVariable(SlurmArray.StoreVariable) is { Length: > 0 } fromEnvironment ? fromEnvironment
        : Path.Combine(runs, RunSources.StoreFileName);
}
