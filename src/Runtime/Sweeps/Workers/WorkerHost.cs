using System.Runtime.InteropServices;
using Nerdbank.Streams;

namespace ViTDsl.Runtime.Workers;

/// <summary>
/// The worker side of the protocol (see <see cref="WorkerProtocol"/>): receives one trial, runs it with an
/// <see cref="ITrialRunner"/>, streams what it reports, and says how it ended. A worker whose parent goes away
/// (its input ends) cancels the trial and exits, so a killed runner leaves no orphans behind.
/// </summary>
internal static class WorkerHost
{
    /// <summary>Exit codes of <see cref="RunAsync"/>.</summary>
    public const int Succeeded = ExitCodes.Success, Failed = ExitCodes.TrialFailed,
        ProtocolError = ExitCodes.WorkerProtocolError, Cancelled = ExitCodes.TrialCancelled;

    /// <summary>How long a trial runner may take to honour cancellation before the host returns without it.</summary>
    public static TimeSpan CancelGrace { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Runs one trial over the process's own standard input and output: the usual entry point of a worker
    /// executable (<c>return await WorkerHost.RunStdioAsync(new MyTrainer(), default);</c>). Console output is sent to
    /// standard error (which the parent records in the trial's log) so a stray <c>Console.WriteLine</c> cannot corrupt
    /// the protocol, and Ctrl+C and SIGTERM are ignored: the parent, which receives them too, cancels the trial itself.
    /// </summary>
    public static async Task<int> RunStdioAsync(ITrialRunner runner, CancellationToken cancellationToken)
    {
        var stdin = Console.OpenStandardInput();
        var stdout = Console.OpenStandardOutput();
        Console.SetOut(Console.Error);
        // Ctrl+C and SIGTERM (scancel signals every process of the job) reach the parent too: it cancels the trial and
        // waits for the worker to stop after its current step; the worker must not die on its own first.
        using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, context => context.Cancel = true);
        using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context => context.Cancel = true);
        return await RunAsync(stdin, stdout, runner, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Runs one trial over the given streams (the parent's side is <see cref="WorkerSession"/>).</summary>
    /// <returns><see cref="Succeeded"/>, <see cref="Failed"/>, <see cref="Cancelled"/> or <see cref="ProtocolError"/>.</returns>
    public static async Task<int> RunAsync(Stream input, Stream output, ITrialRunner runner, CancellationToken cancellationToken)
    {
        var connection = await ConnectAsync(input, output, cancellationToken).ConfigureAwait(false);
        if (connection is null) return ProtocolError;
        var (mx, control, metricsChannel, logChannel) = connection.Value;
        await using var _ = mx;
        var controlOut = new MessagePump(control.Output);
        var metrics = new MessagePump(metricsChannel.Output);
        var log = new MessagePump(logChannel.Output);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var parent = new ParentListener(control, stop);

        TrialSpec trial;
        try
        {
            trial = await parent.Spec.ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            Console.Error.WriteLine($"worker: the parent sent no trial ({e.Message})");
            return ProtocolError;
        }

        controlOut.Post(LineChannel.Encode(new TrialStarted(Environment.ProcessId)));
        // Heartbeats come from a timer of their own, not from the trial: they say the process is alive and its
        // connection flows (a frozen or wedged process stops them); a trial that is merely slow or stuck is bounded
        // by the parent's time limit instead.
        using var beating = new CancellationTokenSource();
        var beats = BeatAsync(controlOut, parent.Heartbeat, beating.Token);
        var reporter = new WorkerReporter(controlOut, metrics, log); // its clock starts with the trial
        var (end, exitCode) = await RunTrialAsync(runner, trial, reporter, stop).ConfigureAwait(false);

        // Metrics and log end before the final control message, so the parent holds every record when it sees it.
        await Task.WhenAll(metrics.CompleteAsync(), log.CompleteAsync()).ConfigureAwait(false);
        await beating.CancelAsync().ConfigureAwait(false);
        await beats.ConfigureAwait(false);
        controlOut.Post(LineChannel.Encode(end));
        await controlOut.CompleteAsync().ConfigureAwait(false);

        // Stay until the parent has read it all and hangs up (bounded: the parent may be gone).
        await Task.WhenAny(parent.Gone, Task.Delay(TimeSpan.FromSeconds(10), CancellationToken.None)).ConfigureAwait(false);
        return exitCode;
    }

    private static async Task<(MultiplexingStream, MultiplexingStream.Channel, MultiplexingStream.Channel, MultiplexingStream.Channel)?> ConnectAsync(
        Stream input, Stream output, CancellationToken cancellationToken)
    {
        try
        {
            var mx = await MultiplexingStream.CreateAsync(FullDuplexStream.Splice(input, output), cancellationToken).ConfigureAwait(false);
            var accepted = await Task.WhenAll(
                mx.AcceptChannelAsync(WorkerProtocol.Control, cancellationToken),
                mx.AcceptChannelAsync(WorkerProtocol.Metrics, cancellationToken),
                mx.AcceptChannelAsync(WorkerProtocol.Log, cancellationToken)).ConfigureAwait(false);
            return (mx, accepted[0], accepted[1], accepted[2]);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            Console.Error.WriteLine($"worker: no connection to a parent ({e.GetType().Name}: {e.Message})");
            return null;
        }
    }

    // Runs the trial; once cancelled, gives it CancelGrace to notice before giving up on it. Says how it ended.
    private static async Task<(WorkerMessage End, int ExitCode)> RunTrialAsync(ITrialRunner runner, TrialSpec trial, WorkerReporter reporter,
        CancellationTokenSource stop)
    {
        var running = Task.Run(() => runner.RunAsync(trial, reporter, stop.Token), CancellationToken.None);
        try
        {
            await Task.WhenAny(running, Task.Delay(Timeout.Infinite, stop.Token)).ConfigureAwait(false);
            if (!running.IsCompleted) await Task.WhenAny(running, Task.Delay(CancelGrace, CancellationToken.None)).ConfigureAwait(false);
            var error = running.IsFaulted ? running.Exception!.InnerException! : null;
            if (running.IsCompletedSuccessfully)
                return (new TrialFinished(reporter.Seconds()), Succeeded); // even if cancelled as it finished: keep the result
            if (error is not null && !(stop.IsCancellationRequested && error is OperationCanceledException))
                return (Failure(error, reporter), Failed);
            return (new TrialCancelled(reporter.Seconds()), Cancelled);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return (Failure(e, reporter), Failed);
        }
    }

    private static TrialFailed Failure(Exception error, WorkerReporter reporter) =>
        new(error.ToString(), reporter.Seconds()) { Environment = EnvironmentFailure.Describe(error) };

    // The control channel's reader: the spec first, then a cancel or the end of the parent (its input ends: nobody
    // is listening any more, so the trial stops).
    private sealed class ParentListener
    {
        private readonly TaskCompletionSource<TrialSpec> _spec = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _gone = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public ParentListener(MultiplexingStream.Channel control, CancellationTokenSource stop) =>
            _ = Task.Run(() => ListenAsync(control, stop), CancellationToken.None);

        public Task<TrialSpec> Spec => _spec.Task;
        public Task Gone => _gone.Task;
        public TimeSpan Heartbeat { get; private set; } = TimeSpan.FromSeconds(5);

        private async Task ListenAsync(MultiplexingStream.Channel control, CancellationTokenSource stop)
        {
            try
            {
                await foreach (var batch in LineChannel.ReadBatchesAsync(control.Input))
                    foreach (var line in batch)
                        switch (LineChannel.Decode(line))
                        {
                            case RunTrial run:
                                Heartbeat = TimeSpan.FromSeconds(Math.Clamp(run.HeartbeatSeconds, 0.05, 3600));
                                _spec.TrySetResult(run.Trial);
                                break;
                            case CancelTrial: await stop.CancelAsync().ConfigureAwait(false); break;
                        }
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                _spec.TrySetException(e);
            }
            finally
            {
                _spec.TrySetCanceled();
                _gone.TrySetResult();
                await stop.CancelAsync().ConfigureAwait(false);
            }
        }
    }

    private static async Task BeatAsync(MessagePump control, TimeSpan interval, CancellationToken stop)
    {
        using var timer = new PeriodicTimer(interval);
        try
        {
            while (await timer.WaitForNextTickAsync(stop).ConfigureAwait(false)) control.Post(LineChannel.Encode(new Heartbeat()));
        }
        catch (OperationCanceledException) { } // the trial ended
    }
}
