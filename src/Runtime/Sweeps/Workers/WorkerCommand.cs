namespace ViTDsl.Runtime.Workers;

/// <summary>
/// The command line that starts one worker process, e.g. <c>dotnet vitdsl.dll worker</c>. The runner starts one
/// per trial attempt and talks to it over its standard input and output.
/// </summary>
internal sealed record WorkerCommand(string FileName, IReadOnlyList<string> Arguments)
{
    /// <summary>Extra environment variables for the worker.</summary>
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();

    /// <summary>The worker's working directory (default: the runner's).</summary>
    public string? WorkingDirectory { get; init; }

    /// <summary>Runs a managed assembly with the same <c>dotnet</c> host as this process: <c>dotnet path.dll args…</c>.</summary>
    public static WorkerCommand Dotnet(string assemblyPath, params string[] arguments) =>
        new(DotnetHost(), [Path.GetFullPath(assemblyPath), .. arguments]);

    // The SDK sets DOTNET_HOST_PATH for the processes it starts (tests, dotnet run); otherwise this process's own
    // host when it is dotnet, otherwise whatever `dotnet` is on the PATH.
    private static string DotnetHost()
    {
        var fromSdk = System.Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
        if (!string.IsNullOrEmpty(fromSdk) && File.Exists(fromSdk)) return fromSdk;
        var self = System.Environment.ProcessPath;
        if (self is not null && Path.GetFileNameWithoutExtension(self) == "dotnet") return self;
        return "dotnet";
    }

    public override string ToString() => string.Join(' ', [FileName, .. Arguments]);
}
