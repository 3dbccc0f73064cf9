using System.Diagnostics;
using ViTDsl.Tests.Store;

namespace ViTDsl.Tests.Cli;

// build/prerequisites.sh, which the test and experiments projects' builds run: silent and idempotent when all is there.
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")] // the prerequisites step is a Linux shell script
public class PrerequisitesTests : IDisposable
{
    private static readonly string Script = Path.Combine(RepositoryRoot(), "build", "prerequisites.sh");
    private readonly TempFolder dir = new();

    [Fact]
    public void With_everything_present_it_succeeds_silently_and_never_calls_apt()
    {
        var apt = Recorder();
        for (int run = 0; run < 2; run++)
        {
            var (code, error) = Run(("VITDSL_APT_GET", apt), ("TMPDIR", dir.Path));
            Assert.Equal(0, code);
            Assert.Empty(error);
        }
        Assert.False(File.Exists(dir.File("apt-calls")), "apt-get ran although nothing was missing");
    }

    [Fact]
    public void Data_pointed_elsewhere_but_missing_is_one_error_line_and_no_install()
    {
        var apt = Recorder();
        var (code, error) = Run(("VITDSL_APT_GET", apt), ("TMPDIR", dir.Path), ("VITDSL_FASHION_MNIST", dir.File("nowhere")));
        Assert.Equal(1, code);
        Assert.Contains($"VITDSL_FASHION_MNIST={dir.File("nowhere")} holds no train-images-idx3-ubyte.gz", Assert.Single(error));
        Assert.False(File.Exists(dir.File("apt-calls")));
    }

    [Fact]
    public void An_unknown_prerequisite_is_refused()
    {
        var (code, error) = Run([], "dataset-imagenet");
        Assert.Equal(2, code);
        Assert.Contains("unknown prerequisite 'dataset-imagenet'", Assert.Single(error));
    }

    private string Recorder()
    {
        var path = dir.File("apt-get");
        File.WriteAllText(path, $"#!/bin/sh\necho \"$@\" >> {dir.File("apt-calls")}\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return path;
    }

    private static (int Code, string[] Error) Run(params (string Name, string Value)[] environment) =>
        Run(environment, "dataset-fashion-mnist", "python3-numpy", "python3-scipy", "mnist-digits");

    private static (int Code, string[] Error) Run((string Name, string Value)[] environment, params string[] names)
    {
        var start = new ProcessStartInfo("bash") { RedirectStandardError = true, ArgumentList = { Script } };
        foreach (var n in names) start.ArgumentList.Add(n);
        foreach (var (name, value) in environment) start.Environment[name] = value;
        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    private static string RepositoryRoot()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, "ViTDsl.sln"))) return d.FullName;
        throw new DirectoryNotFoundException("ViTDsl.sln not found above the test assembly");
    }

    public void Dispose() => dir.Dispose();
}
