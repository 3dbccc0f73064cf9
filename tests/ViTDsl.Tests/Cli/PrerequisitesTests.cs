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

    // An install killed mid-way (a session ended, a machine rebooted) leaves dpkg "interrupted": every later apt-get
    // refuses until `dpkg --configure -a`. The installer repairs that, refreshes the lists and installs again.
    [Fact]
    public void An_interrupted_dpkg_is_repaired_and_the_install_retried()
    {
        var bin = Directory.CreateDirectory(dir.File("bin")).FullName;
        var repaired = dir.File("repaired");
        var apt = FakeCommand("apt-get", $$"""
            echo "apt-get $@" >> {{dir.File("calls")}}
            case "$*" in *install*)
              [ -f {{repaired}} ] || { echo "E: dpkg was interrupted, you must manually run 'dpkg --configure -a'"; exit 100; }
              printf '#!/bin/sh\n' > {{bin}}/munged; chmod +x {{bin}}/munged ;;
            esac
            """);
        var dpkg = FakeCommand("dpkg", $"echo \"dpkg $@\" >> {dir.File("calls")}\ntouch {repaired}\n");
        var (code, error) = Run([("VITDSL_APT_GET", apt), ("VITDSL_DPKG", dpkg), ("TMPDIR", dir.Path),
            ("PATH", $"{bin}:/usr/bin:/bin")], "munge");
        if (Environment.UserName != "root")
        {   // Not root: it installs nothing and says what to run.
            Assert.Equal(1, code);
            Assert.Contains("sudo apt-get update && sudo apt-get install -y munge", Assert.Single(error));
            return;
        }
        Assert.True(code == 0, string.Join('\n', error));
        var calls = File.ReadAllLines(dir.File("calls"));
        Assert.Equal(4, calls.Length);
        Assert.Contains("install -y -qq munge", calls[0]);
        Assert.Equal("dpkg --configure -a", calls[1]);
        Assert.Equal("apt-get update -qq", calls[2]);
        Assert.Contains("install -y -qq munge", calls[3]);
    }

    [Fact]
    public void A_failed_install_shows_the_end_of_its_log()
    {
        var apt = FakeCommand("apt-get", "echo 'E: Unable to locate package munge'; exit 100\n");
        var dpkg = FakeCommand("dpkg", "exit 0\n");
        var bin = Directory.CreateDirectory(dir.File("bin")).FullName;
        var (code, error) = Run([("VITDSL_APT_GET", apt), ("VITDSL_DPKG", dpkg), ("TMPDIR", dir.Path),
            ("PATH", $"{bin}:/usr/bin:/bin")], "munge");
        Assert.Equal(1, code);
        if (Environment.UserName != "root") return; // the not-root advice is checked above
        Assert.Contains(error, line => line.Contains("installing munge failed"));
        Assert.Contains(error, line => line.Contains("E: Unable to locate package munge"));
    }

    private string FakeCommand(string name, string body)
    {
        var path = dir.File(name);
        File.WriteAllText(path, "#!/bin/sh\n" + body);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return path;
    }

    private string Recorder() => FakeCommand("apt-get", $"echo \"$@\" >> {dir.File("apt-calls")}\n");

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
