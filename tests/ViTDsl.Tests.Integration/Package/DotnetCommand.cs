using System.Diagnostics;

namespace ViTDsl.Tests.Package;

/// <summary>
/// Runs the <c>dotnet</c> CLI as a user would in a terminal: without the MSBuild and NuGet settings that the test
/// host's own <c>dotnet test</c> passes down, and without build servers (they would outlive the test and hold its
/// output pipes open).
/// </summary>
public static class DotnetCommand
{
    /// <summary><paramref name="Output"/> is standard output (where MSBuild writes its errors too), <paramref name="Error"/> standard error.</summary>
    public sealed record Result(int ExitCode, string Output, string Error, TimeSpan Elapsed)
    {
        public string Everything => Output + Error;
    }

    public static Result Run(string workingDirectory, IEnumerable<string> args, TimeSpan timeout)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true,
        };
        foreach (var a in args) start.ArgumentList.Add(a);
        foreach (var name in start.Environment.Keys.ToList())
            if (name.StartsWith("MSBUILD", StringComparison.OrdinalIgnoreCase) || name.StartsWith("NUGET_", StringComparison.OrdinalIgnoreCase)
                || name.StartsWith("VSTEST", StringComparison.OrdinalIgnoreCase))
                start.Environment.Remove(name);
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["DOTNET_CLI_UI_LANGUAGE"] = "en";
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"dotnet {string.Join(' ', args)} did not finish within {timeout.TotalSeconds:F0} s");
        }
        return new Result(process.ExitCode, output.Result, error.Result, clock.Elapsed);
    }
}
