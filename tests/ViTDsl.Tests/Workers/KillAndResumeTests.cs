using System.Diagnostics;
using System.Text.Json;
using ViTDsl.Runtime.Store;
using ViTDsl.TestWorker;
using ViTDsl.Tests.Store;

namespace ViTDsl.Tests.Workers;

/// <summary>
/// The runner itself runs in a child process (the TestWorker's <c>run-sweep</c> mode), is SIGKILLed in the middle
/// of <see cref="MixedSweep"/>'s plain and long trials (the crashing ones have their own tests; leaving them out
/// keeps this test short), and is run again with the same command: the store must then equal the uninterrupted
/// run's, trial by trial, metric by metric.
/// </summary>
[Collection(MixedSweep.Collection)]
public sealed class KillAndResumeTests(MixedSweep reference) : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    /// <summary>The "plain" and "long" trials of the mixed sweep as a runner command line on a store of its own.</summary>
    private async Task<(string Store, string[] Command)> PlainAndLongSweep(string store, string runs)
    {
        var sweepFile = _folder.File("sweep.json");
        var sweep = MixedSweep.Definition with { Trials = MixedSweep.Definition.Trials.Where(t => t.Name is "plain" or "long").ToList() };
        await File.WriteAllTextAsync(sweepFile, JsonSerializer.Serialize(sweep, new JsonSerializerOptions(JsonSerializerDefaults.Web)));
        var storePath = _folder.File(store);
        return (storePath, ["--store", storePath, "--runs", _folder.File(runs), "--sweep", sweepFile, "--parallel", "2"]);
    }

    [Fact]
    public async Task A_runner_killed_mid_sweep_and_run_again_records_what_an_uninterrupted_run_records()
    {
        var (storePath, command) = await PlainAndLongSweep("killed.db", "runs");

        // Run until one trial has succeeded and the long one has a checkpoint but is not done; then SIGKILL.
        var started = RunnerProcess.Start(command);
        var runner = started.Process;
        int[] orphans;
        using (var watcher = ResultsStore.Open(storePath))
        {
            var clock = Stopwatch.StartNew();
            while (true)
            {
                Assert.False(runner.HasExited, $"the runner finished before it could be killed mid-sweep:\n{started.Output}");
                Assert.True(clock.Elapsed < TimeSpan.FromMinutes(2), $"the sweep never reached the kill point:\n{started.Output}");
                var trials = watcher.Trials(MixedSweep.Definition.Name);
                var longTrial = trials.SingleOrDefault(t => t.Name == "long");
                if (trials.Any(t => t.Status == TrialStatus.Succeeded) && longTrial is { Status: TrialStatus.Running }
                    && watcher.Checkpoints(longTrial.Id).Count > 0)
                    break;
                await Task.Delay(20);
            }
            runner.Kill(); // SIGKILL the runner alone: its workers are not told anything
            await runner.WaitForExitAsync();
            var killedAt = watcher.Trials(MixedSweep.Definition.Name);
            Assert.NotEqual(TrialStatus.Succeeded, killedAt.Single(t => t.Name == "long").Status);
            orphans = killedAt.SelectMany(t => watcher.Attempts(t.Id)).Where(a => a.Outcome == AttemptOutcome.Running && a.WorkerPid is not null)
                .Select(a => a.WorkerPid!.Value).ToArray();
        }

        // Its workers see their input end and exit by themselves.
        Assert.NotEmpty(orphans);
        var waited = Stopwatch.StartNew();
        while (orphans.Any(RunnerProcess.IsAlive) && waited.Elapsed < TimeSpan.FromSeconds(20)) await Task.Delay(50);
        Assert.DoesNotContain(orphans, RunnerProcess.IsAlive);

        // The same command again finishes the sweep.
        var again = RunnerProcess.Start(command);
        Assert.True(await again.ExitCodeAsync(TimeSpan.FromMinutes(3)) == 0, $"the resumed runner failed:\n{again.Output}");

        using var resumed = ResultsStore.Open(storePath);
        using var uninterrupted = ResultsStore.Open(reference.StorePath);
        var expected = uninterrupted.Trials(MixedSweep.Definition.Name).Where(t => t.Name is "plain" or "long").ToList();
        var actual = resumed.Trials(MixedSweep.Definition.Name);
        Assert.Equal(expected.Select(t => (t.Name, t.SpecJson, t.Status)), actual.Select(t => (t.Name, t.SpecJson, t.Status)));
        foreach (var (want, got) in expected.Zip(actual))
        {
            Assert.Equal(uninterrupted.Metrics(want.Id), resumed.Metrics(got.Id)); // bit for bit: one thread, same checkpoints
            Assert.Equal(uninterrupted.Checkpoints(want.Id).Select(c => (c.Step, c.Sha256)), resumed.Checkpoints(got.Id).Select(c => (c.Step, c.Sha256)));
        }
        SweepRunnerTests.AssertEqualToOracle(LeastSquaresOracle.Metrics(MixedSweep.Payloads["long"]), resumed.Metrics(actual.Single(t => t.Name == "long").Id));

        // The long trial was interrupted once (not failed) and continued from a recorded checkpoint.
        var longId = actual.Single(t => t.Name == "long").Id;
        Assert.Equal([AttemptOutcome.Interrupted, AttemptOutcome.Succeeded], resumed.Attempts(longId).Select(a => a.Outcome));
        Assert.Contains(resumed.Logs(longId), l => l.Attempt == 2 && l.Text.Contains("resuming from the checkpoint of step"));
        Assert.Matches("skipped [1-9]", again.Output); // the trial that had succeeded was not run again
    }

    [Fact]
    public async Task Twenty_SIGKILLs_of_the_runner_and_its_workers_at_random_moments_leave_the_store_of_an_uninterrupted_run()
    {
        var (storePath, command) = await PlainAndLongSweep("killed-20.db", "runs-20");
        var random = new Random(20); // fixed: a failure replays with the same kill moments
        var moments = new List<int>();

        for (var kill = 0; kill < 20; kill++)
        {
            var started = RunnerProcess.Start(command);
            var runner = started.Process;
            var moment = random.Next(50, 2500);
            moments.Add(moment);
            await Task.WhenAny(runner.WaitForExitAsync(), Task.Delay(moment));
            if (runner.HasExited) { Assert.True(runner.ExitCode == 0, $"run {kill} failed:\n{started.Output}"); continue; }
            // Freeze the runner first, so it cannot record its workers' deaths as failures, then SIGKILL the whole tree.
            RunnerProcess.Signal(runner.Id, RunnerProcess.SigStop, mayBeGone: true);
            runner.Kill(entireProcessTree: true);
            await runner.WaitForExitAsync();
        }
        var last = RunnerProcess.Start(command);
        Assert.True(await last.ExitCodeAsync(TimeSpan.FromMinutes(2)) == 0, $"the final run failed (kills at {string.Join(", ", moments)} ms):\n{last.Output}");

        using var resumed = ResultsStore.Open(storePath);
        using var uninterrupted = ResultsStore.Open(reference.StorePath);
        var expected = uninterrupted.Trials(MixedSweep.Definition.Name).Where(t => t.Name is "plain" or "long").ToList();
        var actual = resumed.Trials(MixedSweep.Definition.Name);
        Assert.Equal(expected.Select(t => (t.Name, t.Status, t.Failures)), actual.Select(t => (t.Name, t.Status, t.Failures)));
        foreach (var (want, got) in expected.Zip(actual))
        {
            Assert.Equal(uninterrupted.Metrics(want.Id), resumed.Metrics(got.Id)); // bit for bit
            Assert.Equal(uninterrupted.Checkpoints(want.Id).Select(c => (c.Step, c.Sha256)), resumed.Checkpoints(got.Id).Select(c => (c.Step, c.Sha256)));
            Assert.All(resumed.Attempts(got.Id).SkipLast(1), a => Assert.Equal(AttemptOutcome.Interrupted, a.Outcome));
        }
        Assert.Null(resumed.Lease(MixedSweep.Definition.Name));
    }
}
