using System.Diagnostics;
using ViTDsl.Runtime.Store;
using ViTDsl.TestWorker;
using ViTDsl.Tests.Store;

namespace ViTDsl.Tests.Workers;

/// <summary>
/// The failure taxonomy on a real full disk: the runs folder is a small tmpfs (mounted by the test, which runs as
/// root) that fills up mid-sweep. The sweep stops with one clear message, no trial is counted as failed, and once
/// space is freed the same command completes every trial to the metrics of an independent gradient descent.
/// </summary>
[Collection(SerialCollection.Name)] // a mount, and two runner processes
public sealed class DiskFullTests : IDisposable
{
    private readonly TempFolder _folder = new();
    private readonly string _runs;

    public DiskFullTests()
    {
        _runs = _folder.File("runs");
        Directory.CreateDirectory(_runs);
        Run("mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", _runs);
    }

    public void Dispose()
    {
        Run("umount", "-l", _runs);
        _folder.Dispose();
    }

    private static readonly Dictionary<string, LeastSquaresPayload> Trials = new()
    {
        ["a"] = new(Seed: 21, Rows: 24, Cols: 4, Steps: 60, LearningRate: 0.05, CheckpointEvery: 2, StepDelayMs: 5),
        ["b"] = new(Seed: 22, Rows: 24, Cols: 4, Steps: 60, LearningRate: 0.05, CheckpointEvery: 2, StepDelayMs: 5),
    };

    [Fact]
    public async Task A_runs_disk_that_fills_stops_the_sweep_without_failing_trials_and_the_rerun_completes_once_space_is_freed()
    {
        // Leave room for a few checkpoint files (a page each): each trial writes 30.
        var filler = Path.Combine(_runs, "filler");
        await File.WriteAllBytesAsync(filler, new byte[new DriveInfo(_runs).AvailableFreeSpace - 6 * 4096]);
        var sweepFile = RunnerProcess.WriteSweep(_folder.Path, "full", Trials);
        string[] command = ["--store", _folder.File("full.db"), "--runs", _runs, "--sweep", sweepFile, "--parallel", "2"];

        var stopped = RunnerProcess.Start(command);
        var code = await stopped.ExitCodeAsync(TimeSpan.FromMinutes(2));
        Assert.True(code == 4, $"expected the environment-failure exit (4), got {code}:\n{stopped.Output}");
        var message = stopped.Output.Split('\n').Single(l => l.StartsWith("error: ", StringComparison.Ordinal));
        Assert.Contains("the disk is full", message);
        Assert.Contains("No trial was counted as failed", message);
        Assert.Contains("run the same command again", message);
        using (var store = ResultsStore.Open(_folder.File("full.db")))
        {
            var trials = store.Trials("full");
            Assert.All(trials, t => Assert.Equal((TrialStatus.Pending, 0), (t.Status, t.Failures)));
            var outcomes = trials.SelectMany(t => store.Attempts(t.Id)).Select(a => a.Outcome).ToList();
            Assert.Contains(AttemptOutcome.Environment, outcomes);
            Assert.All(outcomes, o => Assert.True(o is AttemptOutcome.Environment or AttemptOutcome.Interrupted, $"attempt {o}"));
        }

        File.Delete(filler);
        var rerun = RunnerProcess.Start(command);
        Assert.True(await rerun.ExitCodeAsync(TimeSpan.FromMinutes(2)) == 0, $"the rerun failed:\n{rerun.Output}");
        using (var store = ResultsStore.Open(_folder.File("full.db")))
            foreach (var trial in store.Trials("full"))
            {
                Assert.Equal((TrialStatus.Succeeded, 0), (trial.Status, trial.Failures));
                SweepRunnerTests.AssertEqualToOracle(LeastSquaresOracle.Metrics(Trials[trial.Name]), store.Metrics(trial.Id));
            }
    }

    private static void Run(string program, params string[] arguments)
    {
        var info = new ProcessStartInfo(program) { RedirectStandardError = true };
        foreach (var a in arguments) info.ArgumentList.Add(a);
        using var process = Process.Start(info)!;
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"{program} {string.Join(' ', arguments)} failed (the test needs root to mount a tmpfs): {error}");
    }
}
