using static TorchSharp.torch;

namespace ViTDsl.Runtime.Weights;

/// <summary>
/// big_vision checkpoints as they come: parameters under <c>params/</c> (optax state beside them) or
/// <c>opt/target/</c> (older Flax optimizers) or at the top (published models), and the encoder blocks either one per
/// layer (<c>encoderblock_N</c>) or stacked by <c>nn.scan</c> (<c>encoderblock</c>, layer first), as big_vision's
/// <c>load_params</c> and <c>scan_to_pyloop</c> read them. Returns the parameters at the top, one block per layer.
/// </summary>
internal static class BigVisionTree
{
    private static readonly string[] Prefixes = ["params/", "opt/target/"];
    private const string Scanned = "Transformer/encoderblock/";

    /// <summary>The parameters of <paramref name="file"/> (views of its tensors; the set keeps owning them).</summary>
    public static Dictionary<string, Tensor> Parameters(WeightSet file)
    {
        var prefix = Prefixes.FirstOrDefault(p => file.Tensors.Keys.Any(k => k.StartsWith(p + "embedding/"))) ?? "";
        var parameters = new Dictionary<string, Tensor>();
        foreach (var (name, tensor) in file.Tensors)
        {
            if (!name.StartsWith(prefix)) continue; // optimizer state and step counters beside the parameters
            var path = name[prefix.Length..];
            if (!path.StartsWith(Scanned))
            {
                parameters[path] = tensor;
                continue;
            }
            var rest = path[Scanned.Length..];
            if (tensor.dim() == 0)
                throw new InvalidDataException($"{file.Path}: scanned block parameter '{name}' has no layer axis; it is not a big_vision checkpoint.");
            for (long layer = 0; layer < tensor.shape[0]; layer++)
                parameters[$"Transformer/encoderblock_{layer}/{rest}"] = tensor[layer];
        }
        return parameters;
    }
}
