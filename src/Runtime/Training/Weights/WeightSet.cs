using static TorchSharp.torch;

namespace ViTDsl.Runtime.Weights;

/// <summary>
/// The named tensors of one weight file, in file order, on the CPU as the file holds them (type and shape). Owns
/// them: disposing the set disposes every tensor.
/// </summary>
internal sealed class WeightSet : IDisposable
{
    private readonly List<KeyValuePair<string, Tensor>> ordered;

    public WeightSet(string path, IEnumerable<KeyValuePair<string, Tensor>> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        Path = path;
        ordered = tensors.ToList();
        Tensors = ordered.ToDictionary(t => t.Key, t => t.Value);
        Metadata = metadata ?? new Dictionary<string, string>();
    }

    /// <summary>The file the tensors were read from.</summary>
    public string Path { get; }

    public IReadOnlyDictionary<string, Tensor> Tensors { get; }

    /// <summary>Tensor names in the order the file lists them.</summary>
    public IEnumerable<string> Names => ordered.Select(t => t.Key);

    /// <summary>safetensors' <c>__metadata__</c> (free text), empty for other formats.</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    public void Dispose()
    {
        foreach (var (_, tensor) in ordered) tensor.Dispose();
    }

    /// <summary>"[768, 3, 16, 16]".</summary>
    public static string Describe(IEnumerable<long> shape) => $"[{string.Join(", ", shape)}]";
}
