using System.Diagnostics;

namespace ViTDsl.Runtime.Workers;

/// <summary>The worker side of <see cref="ITrialReporter"/>: queues records onto the metrics, log and control pumps and times phases.</summary>
internal sealed class WorkerReporter(MessagePump control, MessagePump metrics, MessagePump log) : ITrialReporter
{
    private readonly Lock _gate = new();
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly double[] _seconds = new double[4];
    private TrialPhase _phase = TrialPhase.Loading;
    private double _phaseStart;

    public void Metric(long step, string name, double value) =>
        metrics.Post(LineChannel.Encode(new MetricReported(step, name, value)));

    public void Checkpoint(long step, string path)
    {
        var full = Path.GetFullPath(path);
        metrics.Post(LineChannel.Encode(new CheckpointReported(step, full, CheckpointFiles.Sha256(full))));
    }

    public void Log(string text)
    {
        foreach (var line in text.Split('\n')) log.Post(LineChannel.Encode(line.TrimEnd('\r')));
    }

    public void Phase(TrialPhase phase)
    {
        if (phase == TrialPhase.Starting)
            throw new ArgumentException("Starting is measured by the parent; report Loading, Training or Recording.", nameof(phase));
        lock (_gate)
        {
            Close();
            _phase = phase;
        }
        control.Post(LineChannel.Encode(new PhaseChanged(phase)));
    }

    public async Task FlushAsync(CancellationToken cancellationToken = default) =>
        await Task.WhenAll(metrics.FlushAsync(cancellationToken), log.FlushAsync(cancellationToken), control.FlushAsync(cancellationToken)).ConfigureAwait(false);

    /// <summary>The seconds spent in each phase so far (the current phase included).</summary>
    public PhaseSeconds Seconds()
    {
        lock (_gate)
        {
            Close();
            return new PhaseSeconds(_seconds[(int)TrialPhase.Loading], _seconds[(int)TrialPhase.Training], _seconds[(int)TrialPhase.Recording]);
        }
    }

    private void Close()
    {
        var now = _clock.Elapsed.TotalSeconds;
        _seconds[(int)_phase] += now - _phaseStart;
        _phaseStart = now;
    }
}
