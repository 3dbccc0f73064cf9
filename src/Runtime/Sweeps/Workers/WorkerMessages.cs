using System.Text.Json;
using System.Text.Json.Serialization;

namespace ViTDsl.Runtime.Workers;

/// <summary>
/// The worker protocol: a <see cref="Nerdbank.Streams.MultiplexingStream"/> over the worker's standard input and
/// output, with three channels the parent offers. <c>control</c> carries JSON lines both ways (parent: run, cancel;
/// worker: started, phase and a heartbeat every <see cref="RunTrial.HeartbeatSeconds"/>, then exactly one of
/// finished / failed / cancelled). <c>metrics</c> carries JSON lines
/// from the worker (metric, checkpoint), in the order reported. <c>log</c> carries plain UTF-8 text lines. The worker
/// completes metrics and log before its last control message, so the parent has every record when it sees the end.
/// </summary>
internal static class WorkerProtocol
{
    public const string Control = "control", Metrics = "metrics", Log = "log";

    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        // A diverged loss is NaN or infinite; it must travel, not break the protocol.
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Converters = { new JsonStringEnumConverter() },
    };
}

/// <summary>Worker-measured seconds of the phases a trial runner reported.</summary>
internal sealed record PhaseSeconds(double Loading, double Training, double Recording);

[JsonPolymorphic(TypeDiscriminatorPropertyName = "type")]
[JsonDerivedType(typeof(RunTrial), "run")]
[JsonDerivedType(typeof(CancelTrial), "cancel")]
[JsonDerivedType(typeof(TrialStarted), "started")]
[JsonDerivedType(typeof(PhaseChanged), "phase")]
[JsonDerivedType(typeof(Heartbeat), "heartbeat")]
[JsonDerivedType(typeof(TrialFinished), "finished")]
[JsonDerivedType(typeof(TrialFailed), "failed")]
[JsonDerivedType(typeof(TrialCancelled), "cancelled")]
[JsonDerivedType(typeof(MetricReported), "metric")]
[JsonDerivedType(typeof(CheckpointReported), "checkpoint")]
internal abstract record WorkerMessage;

/// <param name="HeartbeatSeconds">How often the worker says it is alive; the parent kills a worker that stays silent far longer.</param>
internal sealed record RunTrial(TrialSpec Trial, double HeartbeatSeconds = 5) : WorkerMessage;
internal sealed record CancelTrial : WorkerMessage;
internal sealed record TrialStarted(int Pid) : WorkerMessage;
internal sealed record PhaseChanged(TrialPhase Phase) : WorkerMessage;
internal sealed record Heartbeat : WorkerMessage;
internal sealed record TrialFinished(PhaseSeconds Seconds) : WorkerMessage;
internal sealed record TrialFailed(string Error, PhaseSeconds Seconds) : WorkerMessage
{
    /// <summary>What in the environment failed, when it was not the trial (see <see cref="EnvironmentFailure"/>); null: the trial failed.</summary>
    public string? Environment { get; init; }
}
internal sealed record TrialCancelled(PhaseSeconds Seconds) : WorkerMessage;
internal sealed record MetricReported(long Step, string Name, double Value) : WorkerMessage;
internal sealed record CheckpointReported(long Step, string Path, string Sha256) : WorkerMessage;
