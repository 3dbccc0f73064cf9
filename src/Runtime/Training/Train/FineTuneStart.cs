using ViTDsl.Runtime.Layers;
using ViTDsl.Runtime.Models;
using ViTDsl.Runtime.Train.Checkpoints;
using ViTDsl.Runtime.Weights;
using static TorchSharp.torch;

namespace ViTDsl.Runtime.Train;

/// <summary>
/// The start of a fine-tune (<see cref="Experiment.StartFrom"/>): the upstream run's final weights, with the position
/// embedding resampled to this model's token grid and the classifier left as initialised (a new head, zero kernel).
/// </summary>
internal static class FineTuneStart
{
    /// <summary>Parameters that a fine-tune never copies: the classifier is new (paper: a new head per task).</summary>
    private const string HeadPrefix = "head.";

    /// <exception cref="FileNotFoundException">The upstream run has not finished in <paramref name="root"/>, or its outside file does not exist.</exception>
    public static void Load(VitModule model, Experiment upstream, string root)
    {
        if (upstream.Weights is { } outside)
        {
            LoadFile(model, upstream, outside);
            return;
        }
        var layout = new RunLayout(root, upstream);
        if (!File.Exists(layout.FinalWeights))
            throw new FileNotFoundException(
                $"This fine-tune starts from the {upstream.Model.Variant} run of {upstream.Steps} steps, which has not finished in {root} " +
                $"(its final weights {layout.FinalWeights} do not exist): train the upstream experiment first with the same --runs.", layout.FinalWeights);
        using var checkpoint = Checkpoint.Read(layout.FinalWeights);
        if (checkpoint.Header.Declaration != layout.LineageKey)
            throw new InvalidDataException($"{layout.FinalWeights} belongs to another experiment; delete its run folder and train the upstream again.");
        CopyTrunk(model, checkpoint.Tensors, layout.FinalWeights);
    }

    /// <summary>An outside checkpoint (safetensors or npz, any naming convention), checked against the upstream's declared shape first.</summary>
    private static void LoadFile(VitModule model, Experiment upstream, WeightsFile outside)
    {
        using var file = WeightFiles.Read(outside.Path);
        using var scope = NewDisposeScope();
        CopyTrunk(model, ForeignWeights.Parameters(file, upstream.Model, outside.Names), outside.Path);
    }

    private static void CopyTrunk(VitModule model, IReadOnlyDictionary<string, Tensor> source, string origin)
    {
        var target = model.Shape;
        using var noGrad = no_grad();
        foreach (var (name, parameter) in model.named_parameters())
        {
            if (name.StartsWith(HeadPrefix)) continue;
            if (!source.TryGetValue(name, out var tensor))
                throw new InvalidDataException($"{origin} has no '{name}'; the upstream model is not this model's trunk.");
            using var value = name == "position"
                ? PositionEmbeddingResampler.Resample(tensor, target.Image / target.Patch, target.Pool.HasClassToken)
                : tensor.alias();
            if (!value.shape.SequenceEqual(parameter.shape))
                throw new InvalidDataException($"{origin}: '{name}' has shape [{string.Join(", ", tensor.shape)}], this model needs [{string.Join(", ", parameter.shape)}].");
            parameter.copy_(value);
        }
    }
}
