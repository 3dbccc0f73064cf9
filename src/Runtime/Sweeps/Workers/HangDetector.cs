namespace ViTDsl.Runtime.Workers;

/// <summary>
/// Decides when a training attempt is hung: in its training phase, no new step reported for <c>factor</c> times the
/// longest of its last <see cref="Window"/> intervals between reported steps, and for at least <c>minimum</c>. The
/// intervals are the attempt's own (a trainer reports every few steps; an interval that held a periodic evaluation is
/// among them once one has happened); the first is measured from the start of training. Before its first reported step,
/// and while loading or recording, an attempt is bounded by the trial time limit only: its step time is not known yet,
/// or there are no steps. Times are the caller's clock (elapsed since the attempt started), so tests can drive it.
/// A worker stuck in native code keeps heartbeating from its timer; only this notices it.
/// </summary>
internal sealed class HangDetector(double factor, TimeSpan minimum)
{
    public const int Window = 8;

    private readonly Lock _gate = new();
    private readonly Queue<TimeSpan> _intervals = new();
    private bool _training;
    private TimeSpan _lastAdvance;
    private long? _lastStep;

    /// <summary>The attempt entered <paramref name="phase"/> at <paramref name="now"/>: only training is watched.</summary>
    public void Phase(TrialPhase phase, TimeSpan now)
    {
        lock (_gate)
        {
            _training = phase == TrialPhase.Training;
            (_lastAdvance, _lastStep) = (now, null);
            _intervals.Clear();
        }
    }

    /// <summary>The attempt reported something at <paramref name="step"/>; only a step past the last one is progress.</summary>
    public void Reported(long step, TimeSpan now)
    {
        lock (_gate)
        {
            if (!_training || step <= _lastStep) return;
            if (_intervals.Count == Window) _intervals.Dequeue();
            _intervals.Enqueue(now - _lastAdvance);
            (_lastAdvance, _lastStep) = (now, step);
        }
    }

    /// <summary>Why the attempt is hung at <paramref name="now"/>, or null while it makes steps often enough.</summary>
    public string? Check(TimeSpan now)
    {
        lock (_gate)
        {
            if (!_training || _intervals.Count == 0) return null;
            var expected = _intervals.Max();
            var allowed = TimeSpan.FromTicks(Math.Max((long)(expected.Ticks * factor), minimum.Ticks));
            var silent = now - _lastAdvance;
            return silent <= allowed ? null
                : $"hung: no training step for {silent.TotalSeconds:0.#} s after step {_lastStep} (its last steps came at most " +
                  $"{expected.TotalSeconds:0.###} s apart; allowed {factor:0.#}× that, at least {minimum.TotalSeconds:0.#} s): the trial is stuck, " +
                  "e.g. in native code (raise the limit with --hang-after if its steps are just irregular)";
        }
    }
}
