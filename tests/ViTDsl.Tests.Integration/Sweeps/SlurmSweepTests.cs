using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.RegularExpressions;
using ViTDsl.Runtime.Store;
using ViTDsl.Runtime.Workers;
using ViTDsl.Tests.Store;

namespace ViTDsl.Tests.Sweeps;

// The real thing on the one-node cluster (build/cluster.sh): `vitdsl sweep SmokeSweep --on slurm` submitting a job
// array to slurmctld, its tasks training tiny ViTs in worker processes against a PostgreSQL store.
[Collection(SerialCollection.Name)] // whole sweeps on every core, under time limits
public sealed partial class SlurmSweepTests : IDisposable
{
    private static readonly string Vitdsl = typeof(ViTDsl.Experiments.Paper.Table2).Assembly.Location; // vitdsl.dll: this repository's CLI
    private readonly string _root = Directory.CreateTempSubdirectory("vitdsl-slurm-").FullName;
    private readonly PostgresStoreUnderTest _store;

    public SlurmSweepTests()
    {
        TestCluster.EnsureSlurm();
        _store = new PostgresStoreUnderTest();
    }

    [Fact]
    public void SmokeSweep_on_slurm_completes_with_the_trials_and_metric_keys_of_a_local_run()
    {
        // Both at once: the comparison needs no ordering, and the suite's time budget is tight.
        var local = Sweep("--runs", Path.Combine(_root, "local"), "--workers", "1");
        var submitter = Sweep("--on", "slurm", "--store", _store.Url, "--runs", Path.Combine(_root, "cluster"));
        local.ExitsWith(0);
        submitter.ExitsWith(0);

        var (expected, cluster) = (Contents(Path.Combine(_root, "local", "results.db")), Contents(_store.Url));
        Assert.Equal(expected.Keys.Order(), cluster.Keys.Order());
        Assert.Equal(4, cluster.Count);
        foreach (var trial in expected.Keys)
        {
            Assert.Equal((TrialStatus.Succeeded, 1), (cluster[trial].Status, cluster[trial].Attempts));
            Assert.Equal(expected[trial].Keys.Order(), cluster[trial].Keys.Order()); // the same metrics at the same steps
        }
        Assert.Contains("in 2 array task(s)", submitter.Output); // one task per lineage (two models)
    }

    [Fact]
    public void A_cancelled_array_task_is_submitted_again_and_the_sweep_completes()
    {
        var submitter = Sweep("--on", "slurm", "--store", _store.Url, "--runs", _root);
        var job = submitter.WaitFor(JobId()).Groups[1].Value;
        var deadline = Stopwatch.StartNew();
        string? running = null;
        using (var store = _store.Open())
            while (running is null && deadline.Elapsed < TimeSpan.FromMinutes(2))
            {
                // A trial mid-training: it has recorded losses but not finished.
                if (store.Trials("SmokeSweep").Any(t => t.Status == TrialStatus.Running && store.Metrics(t.Id).Count > 0))
                    running = Slurm("squeue", "-h", "-j", job, "-t", "RUNNING", "-o", "%i").Split('\n', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault();
                else Thread.Sleep(100);
            }
        Assert.NotNull(running);
        var cancelledAt = TrialsRunning();
        Slurm("scancel", running!.Trim());

        submitter.ExitsWith(0);
        Assert.Contains("submitting them once more", submitter.Output);
        using var check = _store.Open();
        var trials = check.Trials("SmokeSweep");
        Assert.All(trials, t => Assert.Equal(TrialStatus.Succeeded, t.Status));
        // The trial the cancelled task was training was started again and its first attempt did not count as a success.
        Assert.Contains(trials, t => cancelledAt.Contains(t.Name) && t.Attempts >= 2 && check.Attempts(t.Id)[0].Outcome != AttemptOutcome.Succeeded);
    }

    [Fact]
    public void Two_runners_submitting_the_same_sweep_at_once_never_run_a_trial_twice()
    {
        var first = Sweep("--on", "slurm", "--store", _store.Url, "--runs", _root);
        var second = Sweep("--on", "slurm", "--store", _store.Url, "--runs", _root);
        first.ExitsWith(0);
        second.ExitsWith(0);

        using var store = _store.Open();
        var trials = store.Trials("SmokeSweep");
        Assert.Equal(4, trials.Count);
        Assert.All(trials, t => Assert.Equal((TrialStatus.Succeeded, 1), (t.Status, t.Attempts))); // one attempt each: nobody ran one twice
        Assert.Empty(store.TrialLeases("SmokeSweep")); // every task gave its leases back

        var status = new RunningCommand(["dotnet", Vitdsl, "sweep", "SmokeSweep", "--status", "--store", _store.Url]);
        status.ExitsWith(0);
        Assert.Contains("SmokeSweep: 4 trials: 4 succeeded, 0 running, 0 to run, 0 failed", status.Output);
        Assert.Equal(4, status.Output.Split('\n').Count(line => line.Contains("succeeded         1         0")));
    }

    private HashSet<string> TrialsRunning()
    {
        using var store = _store.Open();
        return store.Trials("SmokeSweep").Where(t => t.Status == TrialStatus.Running).Select(t => t.Name).ToHashSet();
    }

    [GeneratedRegex(@"submitted Slurm job (\d+)")]
    private static partial Regex JobId();

    private static Dictionary<string, (TrialStatus Status, int Attempts, HashSet<(long, string)> Keys)> Contents(string location)
    {
        using var store = ResultsStore.Open(location);
        return store.Trials("SmokeSweep").ToDictionary(t => t.Name, t => (t.Status, t.Attempts, store.Metrics(t.Id).Select(m => (m.Step, m.Name)).ToHashSet()));
    }

    private static RunningCommand Sweep(params string[] arguments) => new(["dotnet", Vitdsl, "sweep", "SmokeSweep", "--no-report", .. arguments]);

    private static string Slurm(string program, params string[] arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(program, arguments) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"{program} {string.Join(' ', arguments)}: {process.StandardError.ReadToEnd()}");
        return output;
    }

    public void Dispose()
    {
        _store.Dispose();
        Directory.Delete(_root, recursive: true);
    }

    // A command whose output is collected line by line as it runs.
    private sealed class RunningCommand
    {
        private readonly Process _process;
        private readonly ConcurrentQueue<string> _lines = new();

        public RunningCommand(string[] command)
        {
            _process = new Process { StartInfo = new ProcessStartInfo(command[0], command[1..]) { RedirectStandardOutput = true, RedirectStandardError = true } };
            _process.OutputDataReceived += (_, e) => { if (e.Data is not null) _lines.Enqueue(e.Data); };
            _process.ErrorDataReceived += (_, e) => { if (e.Data is not null) _lines.Enqueue(e.Data); };
            _process.Start();
            _process.BeginOutputReadLine();
            _process.BeginErrorReadLine();
        }

        public string Output => string.Join('\n', _lines);

        public Match WaitFor(Regex pattern)
        {
            var clock = Stopwatch.StartNew();
            while (clock.Elapsed < TimeSpan.FromMinutes(1))
            {
                if (pattern.Match(Output) is { Success: true } match) return match;
                if (_process.HasExited) break;
                Thread.Sleep(50);
            }
            throw new Xunit.Sdk.XunitException($"no '{pattern}' in the output: {Output}");
        }

        public void ExitsWith(int code)
        {
            if (!_process.WaitForExit(TimeSpan.FromMinutes(4))) { _process.Kill(true); throw new TimeoutException($"still running after 4 minutes: {Output}"); }
            _process.WaitForExit(); // the output's last lines
            Assert.True(code == _process.ExitCode, $"exit {_process.ExitCode}, not {code}: {Output}");
        }
    }
}
