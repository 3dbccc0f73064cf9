using System.Diagnostics;

namespace ViTDsl.Runtime.Workers;

/// <summary>
/// Watches one attempt's worker: once it runs past the trial's time limit, or has been silent (no heartbeat, no
/// report) for longer than the heartbeat timeout after it started, its <c>expired</c> callback runs once with the reason;
/// once it is alive but makes no training step (see <see cref="HangDetector"/>), its <c>hung</c> callback runs once instead.
/// Silence counts only from the worker's first message: starting a process and a runtime can take long on a loaded
/// machine, and the time limit bounds that part.
/// </summary>
internal sealed class AttemptWatchdog : IAsyncDisposable
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly CancellationTokenSource _stop = new();
    private readonly TimeSpan? _limit;
    private readonly TimeSpan _silence;
    private readonly HangDetector? _hang;
    private readonly Task _watching;
    private long _lastSignTicks = -1; // Stopwatch ticks of the latest message, or -1 before the first

    public AttemptWatchdog(TimeSpan? limit, TimeSpan silence, HangDetector? hang, Action<string> expired, Action<string> hung)
    {
        (_limit, _silence, _hang) = (limit, silence, hang);
        var every = TimeSpan.FromTicks(Math.Clamp(Math.Min(silence.Ticks, limit?.Ticks ?? long.MaxValue) / 8,
            TimeSpan.FromMilliseconds(20).Ticks, TimeSpan.FromSeconds(1).Ticks));
        _watching = Task.Run(async () =>
        {
            using var timer = new PeriodicTimer(every);
            try
            {
                while (await timer.WaitForNextTickAsync(_stop.Token).ConfigureAwait(false))
                {
                    if (Check() is { } reason)
                    {
                        Reason = reason;
                        expired(reason);
                        return;
                    }
                    if (_hang?.Check(_clock.Elapsed) is { } stuck)
                    {
                        (Reason, Hung) = (stuck, true);
                        hung(stuck);
                        return;
                    }
                }
            }
            catch (OperationCanceledException) { } // the attempt ended
        });
    }

    /// <summary>Why the attempt was stopped, or null while it is within its limits.</summary>
    public string? Reason { get; private set; }

    /// <summary>True when the attempt was stopped because it made no training step (<see cref="Reason"/> says more).</summary>
    public bool Hung { get; private set; }

    /// <summary>The worker showed a sign of life (a heartbeat or any report).</summary>
    public void Alive() => Interlocked.Exchange(ref _lastSignTicks, _clock.ElapsedTicks);

    /// <summary>The worker's trial entered a phase.</summary>
    public void Phase(TrialPhase phase)
    {
        Alive();
        _hang?.Phase(phase, _clock.Elapsed);
    }

    /// <summary>The worker reported records up to <paramref name="step"/>.</summary>
    public void Reported(long step)
    {
        Alive();
        _hang?.Reported(step, _clock.Elapsed);
    }

    private string? Check()
    {
        var now = _clock.Elapsed;
        if (_limit is { } limit && now > limit)
            return $"timed out: ran {now.TotalSeconds:0.#} s, past the trial time limit of {limit.TotalSeconds:0.#} s " +
                   "(raise it with the sweep's TrialTimeLimitSeconds or --trial-timeout if the trial is just slow)";
        var last = Interlocked.Read(ref _lastSignTicks);
        if (last < 0) return null;
        var silent = now - TimeSpan.FromSeconds(last / (double)Stopwatch.Frequency);
        return silent > _silence
            ? $"timed out: no heartbeat for {silent.TotalSeconds:0.#} s (the worker is frozen or its connection is stuck; allowed {_silence.TotalSeconds:0.#} s)"
            : null;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _watching.ConfigureAwait(false);
        _stop.Dispose();
    }
}
