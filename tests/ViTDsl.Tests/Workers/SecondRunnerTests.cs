using System.Diagnostics;
using System.Text.Json;
using ViTDsl.Runtime.Store;
using ViTDsl.Runtime.Workers;
using ViTDsl.TestWorker;
using ViTDsl.Tests.Store;

namespace ViTDsl.Tests.Workers;

/// <summary>
/// Two runner processes on one sweep and store: the second is refused with one line naming the first; once the
/// first is SIGKILLed, a third takes the sweep over (the dead holder's pid is gone from this host) and finishes it.
/// </summary>
public sealed class SecondRunnerTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task A_second_runner_is_refused_naming_the_holder_and_the_sweep_of_a_killed_runner_is_taken_over()
    {
        // The first runner's attempt waits at step 5 until it is stopped: it cannot finish before the others are started.
        var payload = new LeastSquaresPayload(Seed: 9, Rows: 24, Cols: 4, Steps: 40, LearningRate: 0.1, CheckpointEvery: 10, StepDelayMs: 10,
            HangAtStep: 5, Hang: HangMode.Wait);
        var sweepFile = RunnerProcess.WriteSweep(_folder.Path, "leased", new Dictionary<string, LeastSquaresPayload> { ["slow"] = payload });
        var storePath = _folder.File("leased.db");
        string[] command = ["--store", storePath, "--runs", _folder.File("runs"), "--sweep", sweepFile];

        var runner = RunnerProcess.Start(command);
        var first = runner.Process;
        using (var watcher = ResultsStore.Open(storePath))
        {
            var clock = Stopwatch.StartNew();
            while (watcher.Lease("leased") is null || watcher.Trials("leased").All(t => t.Status != TrialStatus.Running))
            {
                Assert.False(first.HasExited, $"the first runner ended before a second could be started:\n{runner.Output}");
                Assert.True(clock.Elapsed < TimeSpan.FromMinutes(1), $"the first runner never took the lease:\n{runner.Output}");
                await Task.Delay(20);
            }
        }

        var second = RunnerProcess.Start(command);
        Assert.Equal(1, await second.ExitCodeAsync(TimeSpan.FromMinutes(1)));
        var refusal = second.Output.Trim();
        Assert.Equal($"error: Sweep 'leased' is already being run by pid {first.Id} on host {Environment.MachineName}", refusal[..refusal.IndexOf(" (since", StringComparison.Ordinal)]);
        Assert.DoesNotContain('\n', refusal); // one line, no stack trace
        Assert.False(first.HasExited, "the refused runner disturbed the first one");

        first.Kill(); // SIGKILL: the lease stays in the store, held by a pid that no longer exists
        await first.WaitForExitAsync();
        var third = RunnerProcess.Start(command);
        Assert.True(await third.ExitCodeAsync(TimeSpan.FromMinutes(2)) == 0, $"the runner that should take over failed:\n{third.Output}");
        Assert.Contains($"took the sweep over from pid {first.Id} on host {Environment.MachineName}", third.Output);

        using var store = ResultsStore.Open(storePath);
        var trial = store.Trials("leased").Single();
        Assert.Equal(TrialStatus.Succeeded, trial.Status);
        Assert.Equal([AttemptOutcome.Interrupted, AttemptOutcome.Succeeded], store.Attempts(trial.Id).Select(a => a.Outcome));
        SweepRunnerTests.AssertEqualToOracle(LeastSquaresOracle.Metrics(payload), store.Metrics(trial.Id));
        Assert.Null(store.Lease("leased")); // released at the end
    }

    [Fact]
    public async Task A_runner_whose_lease_was_taken_over_stops_its_workers_and_says_so()
    {
        var payload = new LeastSquaresPayload(Seed: 10, Rows: 16, Cols: 4, Steps: 100_000, LearningRate: 0.01, CheckpointEvery: 1000, StepDelayMs: 20);
        var sweep = new SweepDefinition("stolen", [new SweepTrial("endless", JsonSerializer.SerializeToElement(payload, new JsonSerializerOptions(JsonSerializerDefaults.Web)))]);
        using var store = ResultsStore.Open(_folder.File("stolen.db"));
        var runner = new SweepRunner(store, new SweepRunnerOptions
        {
            Worker = MixedSweep.Worker, RunRoot = _folder.File("runs"), LeaseStaleAfter = TimeSpan.FromMilliseconds(400),
        });
        var running = runner.RunAsync(sweep);
        using (var thief = ResultsStore.Open(store.Path))
        {
            var clock = Stopwatch.StartNew();
            while (thief.Trials("stolen").All(t => t.Status != TrialStatus.Running) && clock.Elapsed < TimeSpan.FromMinutes(1)) await Task.Delay(20);
            // Another host's runner that saw this one stale: modelled by waiting out the stale age on its behalf.
            await Task.Delay(500);
            thief.AcquireLease("stolen", TimeSpan.Zero, out _, new RunnerIdentity(4242, "another-host", null));
        }

        var e = await Assert.ThrowsAsync<SweepLeaseLostException>(() => running.WaitAsync(TimeSpan.FromMinutes(1)));
        // Whichever notices first says so: the lease renewal (naming the new holder) or the fence of the next progress write.
        Assert.Matches("lost sweep 'stolen' to pid 4242 on host another-host|This runner no longer holds sweep 'stolen'", e.Message);
        var attempt = store.Attempts(store.Trials("stolen").Single().Id).Single();
        // Fenced: this runner may no longer write the attempt; the new holder records it when it takes the sweep over.
        Assert.Equal(AttemptOutcome.Running, attempt.Outcome);
        Assert.Equal("another-host", store.Lease("stolen")!.Holder.Host); // not released: it is not this runner's any more
    }
}
