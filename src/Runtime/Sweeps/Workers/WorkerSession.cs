using System.Diagnostics;
using Nerdbank.Streams;
using ViTDsl.Runtime.Store;

namespace ViTDsl.Runtime.Workers;

/// <summary>
/// Receives what a worker reports, as it arrives. Calls for one channel come in order, one at a time; calls for
/// different channels (metrics and log) may overlap. A call returns once the record is durable (e.g. committed).
/// </summary>
internal interface IWorkerObserver
{
    /// <summary>The worker received the trial and its runner starts.</summary>
    void Started(int workerPid);

    /// <summary>The trial entered a phase.</summary>
    void PhaseChanged(TrialPhase phase);

    /// <summary>Metrics and checkpoints that arrived together, in the order reported.</summary>
    void Progress(IReadOnlyList<MetricRecord> metrics, IReadOnlyList<CheckpointRecord> checkpoints);

    /// <summary>Log lines that arrived together.</summary>
    void Log(IReadOnlyList<string> lines);

    /// <summary>The worker said it is alive (every <see cref="WorkerSessionOptions.HeartbeatInterval"/>).</summary>
    void Heartbeat() { }
}

/// <summary>How a <see cref="WorkerSession"/> talks to its worker.</summary>
internal sealed record WorkerSessionOptions
{
    /// <summary>How often the worker is asked to send a heartbeat while it runs a trial.</summary>
    public TimeSpan HeartbeatInterval { get; init; } = TimeSpan.FromSeconds(5);
}

/// <summary>How a worker run ended, as the parent saw it.</summary>
/// <param name="Outcome">Succeeded, Failed (the trial threw, or the connection ended without an answer), Environment (the
/// trial threw because its environment failed: see <see cref="EnvironmentFailure"/>) or Interrupted (cancelled).</param>
/// <param name="Error">Why it failed: the trial's exception, or what happened to the connection.</param>
/// <param name="Worker">The seconds the worker measured for each phase, when it said.</param>
/// <param name="StartSeconds">From the session's start to the worker's <c>started</c>; null if it never started.</param>
/// <param name="WallSeconds">From the session's start to its end.</param>
internal sealed record WorkerResult(AttemptOutcome Outcome, string? Error, PhaseSeconds? Worker, double? StartSeconds, double WallSeconds)
{
    /// <summary>
    /// The timings to record for this run. Starting is the wall time outside the worker's phases (process and
    /// runtime start-up, handshake, hand-over), so the four phases add up to the wall time.
    /// </summary>
    public TrialTimings Timings => Worker is null
        ? new(StartSeconds ?? WallSeconds, 0, 0, 0, WallSeconds)
        : new(Math.Max(0, WallSeconds - Worker.Loading - Worker.Training - Worker.Recording), Worker.Loading, Worker.Training, Worker.Recording, WallSeconds);
}

/// <summary>
/// The parent side of the worker protocol over any duplex stream (a child process's standard input and output, an
/// SSH session, an in-memory pair in tests): sends one trial, forwards what the worker reports to an
/// <see cref="IWorkerObserver"/>, and returns how it ended.
/// </summary>
internal static class WorkerSession
{
    /// <summary>How long to wait for the metrics and log channels to end once the worker has said it is done.</summary>
    public static TimeSpan DrainTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Runs <paramref name="trial"/> on the worker at the other end of <paramref name="duplex"/>. Cancelling sends
    /// the worker a cancel and keeps listening until it answers or its connection ends (the caller kills a worker
    /// that does neither). Never throws for what the worker does; exceptions from the observer propagate.
    /// </summary>
    public static async Task<WorkerResult> RunAsync(Stream duplex, TrialSpec trial, IWorkerObserver observer, CancellationToken cancellationToken,
        WorkerSessionOptions? options = null)
    {
        options ??= new WorkerSessionOptions();
        var clock = Stopwatch.StartNew();
        MultiplexingStream mx;
        MultiplexingStream.Channel control, metrics, log;
        try
        {
            // Not cancellable: a worker that is still starting up must be told to stop, not abandoned mid-handshake.
            mx = await MultiplexingStream.CreateAsync(duplex, CancellationToken.None).ConfigureAwait(false);
            var offered = await Task.WhenAll(
                mx.OfferChannelAsync(WorkerProtocol.Control, CancellationToken.None),
                mx.OfferChannelAsync(WorkerProtocol.Metrics, CancellationToken.None),
                mx.OfferChannelAsync(WorkerProtocol.Log, CancellationToken.None)).ConfigureAwait(false);
            (control, metrics, log) = (offered[0], offered[1], offered[2]);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return new WorkerResult(cancellationToken.IsCancellationRequested ? AttemptOutcome.Interrupted : AttemptOutcome.Failed,
                $"the worker never connected ({e.GetType().Name}: {e.Message})", null, null, clock.Elapsed.TotalSeconds);
        }

        await using var _ = mx;
        var controlOut = new MessagePump(control.Output);
        controlOut.Post(LineChannel.Encode(new RunTrial(trial, options.HeartbeatInterval.TotalSeconds)));
        await using var cancelling = cancellationToken.Register(() => controlOut.Post(LineChannel.Encode(new CancelTrial())));
        var reports = new ReportReader(observer, controlOut, metrics, log);
        var (end, startSeconds, protocolError) = await ReadControlAsync(control, observer, clock).ConfigureAwait(false);

        // The worker ends metrics and log before its last message; after a crash they end with the connection.
        var drained = reports.Done;
        if (await Task.WhenAny(drained, Task.Delay(DrainTimeout, CancellationToken.None)).ConfigureAwait(false) == drained)
            await drained.ConfigureAwait(false); // observer exceptions (e.g. the store failed) surface here
        else
            protocolError ??= "the worker's metrics or log channel did not end";
        var wall = clock.Elapsed.TotalSeconds;
        await controlOut.CompleteAsync().ConfigureAwait(false); // hang up: the worker exits
        protocolError ??= reports.ChannelError;
        return Result(end, protocolError, startSeconds, wall, cancellationToken.IsCancellationRequested);
    }

    // Reads the control channel to its end: the worker's start, phases and heartbeats, then how the trial ended.
    private static async Task<(WorkerMessage? End, double? StartSeconds, string? ProtocolError)> ReadControlAsync(
        MultiplexingStream.Channel control, IWorkerObserver observer, Stopwatch clock)
    {
        WorkerMessage? end = null;
        double? startSeconds = null;
        try
        {
            await foreach (var batch in LineChannel.ReadBatchesAsync(control.Input))
                foreach (var line in batch)
                    switch (LineChannel.Decode(line))
                    {
                        case TrialStarted s:
                            startSeconds = clock.Elapsed.TotalSeconds;
                            observer.Started(s.Pid);
                            break;
                        case PhaseChanged p: observer.PhaseChanged(p.Phase); break;
                        case Heartbeat: observer.Heartbeat(); break;
                        case TrialFinished or TrialFailed or TrialCancelled: end = LineChannel.Decode(line); break;
                    }
            return (end, startSeconds, null);
        }
        catch (System.Text.Json.JsonException e)
        {
            return (end, startSeconds, $"the worker sent something that is not a protocol message ({e.Message})");
        }
    }

    private static WorkerResult Result(WorkerMessage? end, string? protocolError, double? startSeconds, double wall, bool cancelled) => end switch
    {
        TrialFinished f when protocolError is null => new(AttemptOutcome.Succeeded, null, f.Seconds, startSeconds, wall),
        TrialFinished f => new(AttemptOutcome.Failed, protocolError, f.Seconds, startSeconds, wall),
        TrialFailed { Environment: { } what } f => new(AttemptOutcome.Environment, $"{what}; the trial itself did not fail\n{f.Error}", f.Seconds, startSeconds, wall),
        TrialFailed f => new(AttemptOutcome.Failed, f.Error, f.Seconds, startSeconds, wall),
        TrialCancelled c when protocolError is null => new(AttemptOutcome.Interrupted, "cancelled", c.Seconds, startSeconds, wall),
        TrialCancelled c => new(AttemptOutcome.Failed, protocolError, c.Seconds, startSeconds, wall),
        _ when cancelled => new(AttemptOutcome.Interrupted, "cancelled; the worker ended without answering", null, startSeconds, wall),
        _ => new(AttemptOutcome.Failed, protocolError ?? "the worker's connection ended before it finished the trial", null, startSeconds, wall),
    };

    // Forwards the metrics and log channels to the observer. A channel that breaks the protocol, or an observer that
    // fails (the store), stops the worker: nothing it reports from then on could be recorded.
    private sealed class ReportReader
    {
        private readonly MessagePump _control;
        private string? _channelError;

        public ReportReader(IWorkerObserver observer, MessagePump control, MultiplexingStream.Channel metrics, MultiplexingStream.Channel log)
        {
            _control = control;
            Done = Task.WhenAll(
                Task.Run(() => ReadMetricsAsync(observer, metrics), CancellationToken.None),
                Task.Run(() => ReadLogAsync(observer, log), CancellationToken.None));
        }

        public Task Done { get; }
        public string? ChannelError => Volatile.Read(ref _channelError);

        private void StopWorker(string? why)
        {
            if (why is not null) Interlocked.CompareExchange(ref _channelError, why, null);
            _control.Post(LineChannel.Encode(new CancelTrial()));
        }

        private async Task ReadMetricsAsync(IWorkerObserver observer, MultiplexingStream.Channel metrics)
        {
            try
            {
                await foreach (var batch in LineChannel.ReadBatchesAsync(metrics.Input))
                {
                    var (m, c) = (new List<MetricRecord>(batch.Count), new List<CheckpointRecord>());
                    foreach (var line in batch)
                        switch (LineChannel.Decode(line))
                        {
                            case MetricReported r: m.Add(new MetricRecord(r.Step, r.Name, r.Value)); break;
                            case CheckpointReported r: c.Add(new CheckpointRecord(r.Step, r.Path, r.Sha256)); break;
                        }
                    observer.Progress(m, c);
                }
            }
            catch (System.Text.Json.JsonException e)
            {
                StopWorker($"the worker sent something that is not a protocol message on '{WorkerProtocol.Metrics}' ({e.Message})");
                await foreach (var _ in LineChannel.ReadBatchesAsync(metrics.Input)) { } // keep it flowing so the worker can finish
            }
            catch { StopWorker(null); throw; }
        }

        private async Task ReadLogAsync(IWorkerObserver observer, MultiplexingStream.Channel log)
        {
            try
            {
                await foreach (var batch in LineChannel.ReadBatchesAsync(log.Input)) observer.Log(batch);
            }
            catch { StopWorker(null); throw; }
        }
    }
}
