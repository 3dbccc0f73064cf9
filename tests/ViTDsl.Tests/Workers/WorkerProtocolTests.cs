using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text.Json;
using Nerdbank.Streams;
using ViTDsl.Runtime.Store;
using ViTDsl.Runtime.Workers;
using ViTDsl.Tests.Store;

namespace ViTDsl.Tests.Workers;

/// <summary>The worker protocol end to end in one process: WorkerHost and WorkerSession over an in-memory pipe pair.</summary>
[Collection(SerialCollection.Name)] // it bounds the phase times of worker processes
public sealed class WorkerProtocolTests : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private sealed class Recorder : IWorkerObserver
    {
        public readonly ConcurrentQueue<MetricRecord> Metrics = new();
        public readonly ConcurrentQueue<CheckpointRecord> Checkpoints = new();
        public readonly ConcurrentQueue<string> Lines = new();
        public readonly ConcurrentQueue<TrialPhase> Phases = new();
        public readonly TaskCompletionSource<int> StartedPid = new();
        public readonly TaskCompletionSource FirstMetric = new();
        public void Started(int workerPid) => StartedPid.TrySetResult(workerPid);
        public void PhaseChanged(TrialPhase phase) => Phases.Enqueue(phase);
        public void Progress(IReadOnlyList<MetricRecord> metrics, IReadOnlyList<CheckpointRecord> checkpoints)
        {
            foreach (var m in metrics) Metrics.Enqueue(m);
            foreach (var c in checkpoints) Checkpoints.Enqueue(c);
            FirstMetric.TrySetResult();
        }
        public void Log(IReadOnlyList<string> lines) { foreach (var l in lines) Lines.Enqueue(l); }
    }

    private sealed class Runner(Func<TrialSpec, ITrialReporter, CancellationToken, Task> body) : ITrialRunner
    {
        public Task RunAsync(TrialSpec trial, ITrialReporter reporter, CancellationToken cancellationToken) => body(trial, reporter, cancellationToken);
    }

    private TrialSpec Spec(int attempt = 1) => new("sweep", "trial", JsonDocument.Parse("{\"width\":64}").RootElement.Clone(), _folder.Path, attempt, ResumeState.Fresh);

    private static (Task<int> Host, Stream Parent) Connect(ITrialRunner runner, CancellationToken workerToken = default)
    {
        var (worker, parent) = FullDuplexStream.CreatePair();
        return (WorkerHost.RunAsync(worker, worker, runner, workerToken), parent);
    }

    [Fact]
    public async Task Reports_arrive_in_order_with_checksums_phases_and_the_spec_intact()
    {
        TrialSpec? received = null;
        var checkpoint = Path.Combine(_folder.Path, "step-100.ckpt");
        var (host, parent) = Connect(new Runner(async (spec, r, _) =>
        {
            received = spec;
            r.Phase(TrialPhase.Training);
            for (var step = 1; step <= 200; step++)
            {
                r.Metric(step, "loss", 1.0 / step);
                r.Metric(step, "accuracy", step == 7 ? double.NaN : step / 200.0);
                if (step == 100)
                {
                    await File.WriteAllBytesAsync(checkpoint, [1, 2, 3, 4]);
                    r.Checkpoint(step, checkpoint);
                }
            }
            await Task.Delay(200);
            r.Phase(TrialPhase.Recording);
            r.Log("two\nlines");
            await Task.Delay(100);
        }));
        var recorder = new Recorder();
        var result = await WorkerSession.RunAsync(parent, Spec(), recorder, default).WaitAsync(Patience);

        Assert.Equal(AttemptOutcome.Succeeded, result.Outcome);
        Assert.Equal(WorkerHost.Succeeded, await host.WaitAsync(Patience));
        Assert.Equal("{\"width\":64}", JsonSerializer.Serialize(received!.Payload));
        Assert.Equal((_folder.Path, 1), (received.RunDirectory, received.Attempt));
        Assert.Equal(Environment.ProcessId, await recorder.StartedPid.Task);

        var expected = Enumerable.Range(1, 200).SelectMany(s => new MetricRecord[] { new(s, "loss", 1.0 / s), new(s, "accuracy", s == 7 ? double.NaN : s / 200.0) });
        Assert.Equal(expected, recorder.Metrics);
        Assert.Equal([new CheckpointRecord(100, checkpoint, Convert.ToHexStringLower(SHA256.HashData(new byte[] { 1, 2, 3, 4 })))], recorder.Checkpoints);
        Assert.Equal(["two", "lines"], recorder.Lines);
        Assert.Equal([TrialPhase.Training, TrialPhase.Recording], recorder.Phases);
        // The phases hold 200 ms and 100 ms delays; timers may fire a few ms early, so the bounds are half those.
        Assert.InRange(result.Worker!.Training, 0.1, result.WallSeconds);
        Assert.InRange(result.Worker.Recording, 0.05, result.WallSeconds);
    }

    [Fact]
    public async Task A_throwing_trial_fails_with_its_exception_after_its_records_arrive()
    {
        var (host, parent) = Connect(new Runner((_, r, _) =>
        {
            r.Metric(1, "loss", 2.5);
            throw new InvalidOperationException("loss diverged at step 2");
        }));
        var recorder = new Recorder();
        var result = await WorkerSession.RunAsync(parent, Spec(), recorder, default).WaitAsync(Patience);

        Assert.Equal(AttemptOutcome.Failed, result.Outcome);
        Assert.Contains("InvalidOperationException: loss diverged at step 2", result.Error);
        Assert.Equal([new MetricRecord(1, "loss", 2.5)], recorder.Metrics);
        Assert.Equal(WorkerHost.Failed, await host.WaitAsync(Patience));
    }

    [Fact]
    public async Task Cancelling_asks_the_trial_to_stop_and_ends_as_interrupted()
    {
        var sawCancel = false;
        var (host, parent) = Connect(new Runner(async (_, r, token) =>
        {
            for (var step = 1; ; step++)
            {
                r.Metric(step, "loss", 1);
                try { await Task.Delay(10, token); }
                catch (OperationCanceledException) { sawCancel = true; throw; }
            }
        }));
        var recorder = new Recorder();
        using var cancel = new CancellationTokenSource();
        var session = WorkerSession.RunAsync(parent, Spec(), recorder, cancel.Token);
        await recorder.FirstMetric.Task.WaitAsync(Patience);
        cancel.Cancel();
        var result = await session.WaitAsync(Patience);

        Assert.Equal(AttemptOutcome.Interrupted, result.Outcome);
        Assert.True(sawCancel);
        Assert.Equal(WorkerHost.Cancelled, await host.WaitAsync(Patience));
    }

    [Fact]
    public async Task A_worker_whose_parent_disappears_cancels_its_trial_and_exits()
    {
        var stopped = new TaskCompletionSource();
        var (host, parent) = Connect(new Runner(async (_, r, token) =>
        {
            using var registration = token.Register(() => stopped.TrySetResult());
            r.Metric(1, "loss", 1);
            await Task.Delay(Timeout.Infinite, token);
        }));
        var recorder = new Recorder();
        _ = WorkerSession.RunAsync(parent, Spec(), recorder, default);
        await recorder.FirstMetric.Task.WaitAsync(Patience);
        await parent.DisposeAsync(); // the parent's end of stdin/stdout is gone, as when the runner is killed

        await stopped.Task.WaitAsync(Patience);
        Assert.Equal(WorkerHost.Cancelled, await host.WaitAsync(Patience));
    }

    [Fact]
    public async Task When_recording_fails_the_worker_is_stopped_and_the_failure_surfaces()
    {
        var (host, parent) = Connect(new Runner(async (_, r, token) =>
        {
            for (var step = 1; ; step++)
            {
                r.Metric(step, "loss", 1);
                await Task.Delay(10, token);
            }
        }));
        var failing = new FailingRecorder();
        var e = await Assert.ThrowsAsync<IOException>(() => WorkerSession.RunAsync(parent, Spec(), failing, default).WaitAsync(Patience));
        Assert.Equal("disk full", e.Message);
        Assert.Equal(WorkerHost.Cancelled, await host.WaitAsync(Patience));
    }

    private sealed class FailingRecorder : IWorkerObserver
    {
        public void Started(int workerPid) { }
        public void PhaseChanged(TrialPhase phase) { }
        public void Progress(IReadOnlyList<MetricRecord> metrics, IReadOnlyList<CheckpointRecord> checkpoints) => throw new IOException("disk full");
        public void Log(IReadOnlyList<string> lines) { }
    }

    [Fact]
    public async Task A_worker_started_without_a_parent_exits_with_a_protocol_error()
    {
        var ran = false;
        var code = await WorkerHost.RunAsync(new MemoryStream(), new MemoryStream(), new Runner((_, _, _) => { ran = true; return Task.CompletedTask; }), default)
            .WaitAsync(Patience);
        Assert.Equal(WorkerHost.ProtocolError, code);
        Assert.False(ran);
    }
}
