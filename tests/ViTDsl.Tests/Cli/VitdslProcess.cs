using System.Diagnostics;

namespace ViTDsl.Tests.Cli;

/// <summary>This repository's CLI (vitdsl.dll) run as a user runs it, in a process of its own, to its end.</summary>
internal static class VitdslProcess
{
    /// <summary>vitdsl.dll, this repository's CLI.</summary>
    public static readonly string Dll = typeof(ViTDsl.Experiments.Paper.Table2).Assembly.Location;

    /// <summary>Runs <c>vitdsl ARGS</c> with <paramref name="environment"/> added; a run past <paramref name="within"/> is killed and fails the test.</summary>
    public static (int Code, string Stdout, string Stderr) Run(IEnumerable<string> args, TimeSpan within, params (string Name, string Value)[] environment)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Dll);
        foreach (var a in args) start.ArgumentList.Add(a);
        foreach (var (name, value) in environment) start.Environment[name] = value;
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(within))
        {
            process.Kill(true);
            throw new TimeoutException($"vitdsl {string.Join(' ', start.ArgumentList.Skip(1))} did not finish within {within}");
        }
        return (process.ExitCode, output.Result, error.Result);
    }
}
