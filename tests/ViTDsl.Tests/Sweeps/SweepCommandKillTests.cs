using System.Diagnostics;
using ViTDsl.Runtime.Store;
using ViTDsl.Runtime.Workers;

namespace ViTDsl.Tests.Sweeps;

// The real thing: `vitdsl sweep SmokeSweep` training real (tiny) ViTs in worker processes, SIGKILLed mid-sweep.
[Collection(SerialCollection.Name)] // it runs whole sweeps in processes under time limits
public class SweepCommandKillTests : IDisposable
{
    private readonly string root = Directory.CreateTempSubdirectory("vitdsl-sweep-kill-").FullName;
    private static readonly string Vitdsl = typeof(ViTDsl.Experiments.Paper.Table2).Assembly.Location; // vitdsl.dll: this repository's CLI

    [Fact]
    public void Killing_the_sweep_and_running_it_again_leaves_the_store_of_an_uninterrupted_sweep()
    {
        Assert.Equal(0, Sweep("uninterrupted").WaitForExitCode());

        var killed = Sweep("killed");
        var store = Path.Combine(root, "killed", "results.db");
        var deadline = Stopwatch.StartNew();
        // Watch the run folders, not the store, so the test never touches the database while the runner creates it.
        while (!killed.HasExited && deadline.Elapsed < TimeSpan.FromMinutes(2) && FinishedRuns(Path.Combine(root, "killed")) < 1) Thread.Sleep(50);
        Assert.False(killed.HasExited, $"the sweep ended before it could be killed: {killed.StandardError.ReadToEnd()}");
        killed.Kill(); // SIGKILL, the runner only: its workers notice their parent is gone and exit
        killed.WaitForExit();
        Assert.Equal(0, Sweep("killed").WaitForExitCode());

        var (expected, actual) = (Contents(Path.Combine(root, "uninterrupted", "results.db")), Contents(store));
        Assert.Equal(expected.Keys, actual.Keys);
        foreach (var trial in expected.Keys)
        {
            Assert.Equal(TrialStatus.Succeeded, actual[trial].Status);
            Assert.Equal(expected[trial].Metrics.Keys.Order(), actual[trial].Metrics.Keys.Order()); // nothing missing, nothing extra
            foreach (var (key, value) in expected[trial].Metrics)
                // Same numbers; MKL may round the last bits differently in another process, so not bit for bit.
                Assert.True(Math.Abs(value - actual[trial].Metrics[key]) <= 1e-4 * Math.Max(1, Math.Abs(value)), $"{trial} {key}: {value} vs {actual[trial].Metrics[key]}");
        }
    }

    private Process Sweep(string folder) => Process.Start(new ProcessStartInfo("dotnet")
    {
        ArgumentList = { Vitdsl, "sweep", "SmokeSweep", "--runs", Path.Combine(root, folder), "--workers", "1", "--no-report", "--json" },
        RedirectStandardOutput = true, RedirectStandardError = true,
    })!;

    // Trials whose trainer has written its result (4 in all): one done means the sweep is mid-way.
    private static int FinishedRuns(string runs) =>
        Directory.Exists(runs) ? Directory.GetFiles(runs, "result.json", SearchOption.AllDirectories).Length : 0;

    private static Dictionary<string, (TrialStatus Status, Dictionary<(long, string), double> Metrics)> Contents(string path)
    {
        using var store = ResultsStore.Open(path);
        return store.Trials("SmokeSweep").ToDictionary(t => t.Name, t => (t.Status, store.Metrics(t.Id)
            // Timings and the work the last attempt did (a resumed attempt trains fewer steps) are not results.
            .Where(m => m.Name is not (MetricName.TrainImagesPerSecond or MetricName.AchievedGflops or MetricName.TrainFlops or MetricName.PeriodicEvaluateSeconds))
            .ToDictionary(m => (m.Step, m.Name), m => m.Value)));
    }

    public void Dispose() => Directory.Delete(root, recursive: true);
}

internal static class ProcessExtensions
{
    public static int WaitForExitCode(this Process process)
    {
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(3))) { process.Kill(true); throw new TimeoutException("sweep did not finish in 3 minutes"); }
        if (process.ExitCode != 0) throw new Xunit.Sdk.XunitException($"sweep exited {process.ExitCode}: {output.Result}\n{error.Result}");
        return process.ExitCode;
    }
}
