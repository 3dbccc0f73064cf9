using System.Runtime.InteropServices;
using Nerdbank.Streams;

namespace ViTDsl.Runtime.Workers;

/// <summary>
/// The worker side of the protocol (see <see cref="WorkerProtocol"/>): receives one trial, runs it with an
/// <see cref="ITrialRunner"/>, streams what it reports, and says how it ended. A worker whose parent goes away
/// (its input ends) cancels the trial and exits, so a killed runner leaves no orphans behind.
/// </summary>
public static class WorkerHost
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
    /// the protocol, and Ctrl+C is ignored: the parent, which receives it too, cancels the trial itself.
    /// </summary>
    public static async Task<int> RunStdioAsync(ITrialRunner runner, CancellationToken cancellationToken)
    {
        var stdin = Console.OpenStandardInput();
        var stdout = Console.OpenStandardOutput();
        Console.SetOut(Console.Error);
        using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, context => context.Cancel = true);
        return await RunAsync(stdin, stdout, runner, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Runs one trial over the given streams (the parent's side is <see cref="WorkerSession"/>).</summary>
    /// <returns><see cref="Succeeded"/>, <see cref="Failed"/>, <see cref="Cancelled"/> or <see cref="ProtocolError"/>.</returns>
    public static async Task<int> RunAsync(Stream input, Stream output, ITrialRunner runner, CancellationToken cancellationToken)
    {
        MultiplexingStream mx;
        MultiplexingStream.Channel control, metricsChannel, logChannel;
        try
        {
            mx = await MultiplexingStream.CreateAsync(FullDuplexStream.Splice(input, output), cancellationToken).ConfigureAwait(false);
            var accepted = await Task.WhenAll(
                mx.AcceptChannelAsync(WorkerProtocol.Control, cancellationToken),
                mx.AcceptChannelAsync(WorkerProtocol.Metrics, cancellationToken),
                mx.AcceptChannelAsync(WorkerProtocol.Log, cancellationToken)).ConfigureAwait(false);
            (control, metricsChannel, logChannel) = (accepted[0], accepted[1], accepted[2]);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            Console.Error.WriteLine($"worker: no connection to a parent ({e.GetType().Name}: {e.Message})");
            return ProtocolError;
        }

        await using var _ = mx;
        var controlOut = new MessagePump(control.Output);
        var metrics = new MessagePump(metricsChannel.Output);
        var log = new MessagePump(logChannel.Output);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);

        // The control channel's reader: the spec first, then a cancel or the end of the parent.
        var spec = new TaskCompletionSource<TrialSpec>(TaskCreationOptions.RunContinuationsAsynchronously);
        var heartbeat = TimeSpan.FromSeconds(5);
        var parentGone = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var listening = Task.Run(async () =>
        {
            try
            {
                await foreach (var batch in LineChannel.ReadBatchesAsync(control.Input))
                    foreach (var line in batch)
                        switch (LineChannel.Decode(line))
                        {
                            case RunTrial run:
                                heartbeat = TimeSpan.FromSeconds(Math.Clamp(run.HeartbeatSeconds, 0.05, 3600));
                                spec.TrySetResult(run.Trial);
                                break;
                            case CancelTrial: stop.Cancel(); break;
                        }
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                spec.TrySetException(e);
            }
            finally
            {
                spec.TrySetCanceled();
                parentGone.TrySetResult();
                stop.Cancel(); // input ended: nobody is listening any more, stop working
            }
        }, CancellationToken.None);

        TrialSpec trial;
        try
        {
            trial = await spec.Task.ConfigureAwait(false);
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
        var beats = BeatAsync(controlOut, heartbeat, beating.Token);
        var reporter = new WorkerReporter(controlOut, metrics, log); // its clock starts with the trial
        var running = Task.Run(() => runner.RunAsync(trial, reporter, stop.Token), CancellationToken.None);
        WorkerMessage end;
        int exitCode;
        try
        {
            // Wait for the runner; once cancelled, give it CancelGrace to notice before giving up on it.
            await Task.WhenAny(running, Task.Delay(Timeout.Infinite, stop.Token)).ConfigureAwait(false);
            if (!running.IsCompleted) await Task.WhenAny(running, Task.Delay(CancelGrace, CancellationToken.None)).ConfigureAwait(false);
            var error = running.IsFaulted ? running.Exception!.InnerException! : null;
            if (running.IsCompletedSuccessfully)
                (end, exitCode) = (new TrialFinished(reporter.Seconds()), Succeeded); // even if cancelled as it finished: keep the result
            else if (error is not null && !(stop.IsCancellationRequested && error is OperationCanceledException))
                (end, exitCode) = (new TrialFailed(error.ToString(), reporter.Seconds()), Failed);
            else
                (end, exitCode) = (new TrialCancelled(reporter.Seconds()), Cancelled);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            (end, exitCode) = (new TrialFailed(e.ToString(), reporter.Seconds()), Failed);
        }

        // Metrics and log end before the final control message, so the parent holds every record when it sees it.
        await Task.WhenAll(metrics.CompleteAsync(), log.CompleteAsync()).ConfigureAwait(false);
        await beating.CancelAsync().ConfigureAwait(false);
        await beats.ConfigureAwait(false);
        controlOut.Post(LineChannel.Encode(end));
        await controlOut.CompleteAsync().ConfigureAwait(false);

        // Stay until the parent has read it all and hangs up (bounded: the parent may be gone).
        await Task.WhenAny(parentGone.Task, Task.Delay(TimeSpan.FromSeconds(10), CancellationToken.None)).ConfigureAwait(false);
        return exitCode;
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
