using ViTDsl.Runtime.Layers;
using ViTDsl.Runtime.Models;
using ViTDsl.Runtime.Train.Checkpoints;
using static TorchSharp.torch;

namespace ViTDsl.Runtime.Train;

/// <summary>
/// The start of a fine-tune (<see cref="Experiment.StartFrom"/>): the upstream run's final weights, with the position
/// embedding resampled to this model's token grid and the classifier left as initialised (a new head, zero kernel).
/// </summary>
public static class FineTuneStart
{
    /// <summary>Parameters that a fine-tune never copies: the classifier is new (paper: a new head per task).</summary>
    private const string HeadPrefix = "head.";

    /// <exception cref="FileNotFoundException">The upstream run has not finished in <paramref name="root"/>.</exception>
    public static void Load(VitModule model, Experiment upstream, string root)
    {
        var layout = new RunLayout(root, upstream);
        if (!File.Exists(layout.FinalWeights))
            throw new FileNotFoundException(
                $"This fine-tune starts from the {upstream.Model.Variant} run of {upstream.Steps} steps, which has not finished in {root} " +
                $"(its final weights {layout.FinalWeights} do not exist): train the upstream experiment first with the same --runs.", layout.FinalWeights);
        using var checkpoint = Checkpoint.Read(layout.FinalWeights);
        if (checkpoint.Header.Declaration != layout.LineageKey)
            throw new InvalidDataException($"{layout.FinalWeights} belongs to another experiment; delete its run folder and train the upstream again.");
        var target = model.Shape;
        using var noGrad = no_grad();
        foreach (var (name, parameter) in model.named_parameters())
        {
            if (name.StartsWith(HeadPrefix)) continue;
            if (!checkpoint.Tensors.TryGetValue(name, out var source))
                throw new InvalidDataException($"{layout.FinalWeights} has no '{name}'; the upstream model is not this model's trunk.");
            using var value = name == "position"
                ? PositionEmbeddingResampler.Resample(source, target.Image / target.Patch, target.Pool.HasClassToken)
                : source.alias();
            if (!value.shape.SequenceEqual(parameter.shape))
                throw new InvalidDataException($"{layout.FinalWeights}: '{name}' has shape [{string.Join(", ", source.shape)}], this model needs [{string.Join(", ", parameter.shape)}].");
            parameter.copy_(value);
        }
    }
}
