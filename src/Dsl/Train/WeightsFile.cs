namespace ViTDsl;

/// <summary>
/// Weights from outside ViTDsl: a safetensors or npz file (<see cref="Path"/>, relative to the folder the run starts
/// in) whose tensors are named as <see cref="Names"/> says (timm's state dict, big_vision's tree, or ViTDsl's own).
/// An experiment that carries one (<see cref="Experiment.FromFile"/>) is an upstream for <see cref="Experiment.StartFrom"/>:
/// it is never trained, its declared model says what the file holds.
/// </summary>
public sealed record WeightsFile(string Path, WeightNames Names);
