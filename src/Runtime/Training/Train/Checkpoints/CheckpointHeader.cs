using ViTDsl.Runtime.Data;

namespace ViTDsl.Runtime.Train.Checkpoints;

/// <summary>
/// The small JSON header of a checkpoint: everything besides tensors that a resumed run needs to continue exactly.
/// </summary>
/// <param name="Declaration">The experiment's declaration name (e.g. "ScalingVit.VitTi16"), checked on resume.</param>
/// <param name="Step">Optimizer steps completed.</param>
/// <param name="Seed">The run's seed.</param>
/// <param name="Data">Position of the next training sample (<see cref="BatchLoader.Position"/>).</param>
internal sealed record CheckpointHeader(string Declaration, long Step, long Seed, DataPosition Data)
{
    /// <summary>Opaque random-generator state (e.g. base64 of torch's generator state), if the trainer keeps one.</summary>
    public string? RngState { get; init; }

    /// <summary>Format version of the file that held this header.</summary>
    public int Version { get; init; } = Checkpoint.FormatVersion;
}
