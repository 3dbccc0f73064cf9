using System.Text.Json;
using ViTDsl.Runtime.Store;

namespace ViTDsl.Runtime.Workers;

/// <summary>
/// What a worker is asked to run: one trial of a sweep. <see cref="Payload"/> is the trial's own description
/// (opaque to the runner; the trainer deserializes it, e.g. <c>spec.Payload.Deserialize&lt;MyTrial&gt;()</c>).
/// <see cref="RunDirectory"/> is the trial's folder for checkpoints and artefacts; it survives attempts, so a
/// later attempt finds the files of earlier ones. <see cref="Attempt"/> counts from 1.
/// </summary>
internal sealed record TrialSpec(string Sweep, string Name, JsonElement Payload, string RunDirectory, int Attempt, ResumeState Resume);

/// <summary>The phases a trial's wall time is split into. Starting is measured by the parent; a trial runner reports the others.</summary>
internal enum TrialPhase { Starting, Loading, Training, Recording }

/// <summary>The code a worker runs for a trial: the trainer implements it; the test worker has a small one.</summary>
internal interface ITrialRunner
{
    /// <summary>
    /// Runs the trial to its end, reporting as it goes. Resume from <see cref="TrialSpec.Resume"/>'s latest
    /// checkpoint when there is one, and report only the steps after it. Throwing fails the attempt (its message
    /// and stack are recorded); honour <paramref name="cancellationToken"/> (the runner is stopping or the parent died).
    /// </summary>
    Task RunAsync(TrialSpec trial, ITrialReporter reporter, CancellationToken cancellationToken);
}

/// <summary>
/// How a trial runner reports. Calls are cheap and never block on I/O (records are queued and streamed to the
/// parent, which commits them to the store); they may be made from any thread.
/// </summary>
internal interface ITrialReporter
{
    /// <summary>A scalar at a step. Re-reporting a (step, name) after a resume replaces the earlier value.</summary>
    void Metric(long step, string name, double value);

    /// <summary>
    /// A checkpoint for <paramref name="step"/> is complete at <paramref name="path"/> (write it atomically first:
    /// to a temporary name, flushed, then renamed). The host records its SHA-256 so a resume can verify it.
    /// </summary>
    void Checkpoint(long step, string path);

    /// <summary>Free text for the trial's log (several lines allowed).</summary>
    void Log(string text);

    /// <summary>The trial enters a phase; time before the first call counts as loading.</summary>
    void Phase(TrialPhase phase);

    /// <summary>Waits until everything reported so far has been handed to the connection to the parent.</summary>
    Task FlushAsync(CancellationToken cancellationToken = default);
}
