using System.Linq;

namespace ViTDsl;

/// <summary>
/// One parameter tensor: its name as TorchSharp's <c>named_parameters()</c> reports it, its torch shape, and how
/// big_vision holds it (<see cref="ParameterLayout"/>; the torch shape as it is unless said otherwise).
/// </summary>
public sealed record ParameterShape(string Name, ValueList<long> Dims)
{
    public ParameterLayout Layout { get; init; } = ParameterLayout.Identity(Dims);

    /// <summary>big_vision's name for it (<c>Transformer/encoderblock_0/MlpBlock_0/Dense_0/kernel</c>).</summary>
    public string BigVisionName { get; init; } = Name;

    /// <summary>This tensor inside a part named <paramref name="torchPrefix"/> (big_vision: <paramref name="bigVisionPrefix"/>).</summary>
    public ParameterShape Under(string torchPrefix, string bigVisionPrefix) => this with
    {
        Name = VitPart.Join(torchPrefix, Name, "."),
        BigVisionName = VitPart.Join(bigVisionPrefix, BigVisionName, "/"),
    };

    /// <summary>The shape big_vision gives this parameter, on which Adafactor decides its factoring.</summary>
    public ValueList<long> BigVisionDims => Layout.BigVision;

    /// <summary>Number of elements.</summary>
    public long Elements => Dims.Aggregate(1L, (p, d) => p * d);

    public int Rank => Dims.Count;

    /// <summary>Which weight decay this tensor receives (<see cref="DecayRule"/>).</summary>
    public ParameterGroup Group => DecayRule.GroupOf(Name, Rank);

    public override string ToString() => $"{Name} [{string.Join(", ", Dims)}]";

    /// <summary>The torch shape and, where it differs, big_vision's: <c>blocks.0.attention.query.weight [64, 64] as (64, 4, 16)</c>.</summary>
    public string Describe() => Layout.IsIdentity && Layout.View.SequenceEqual(Dims)
        ? ToString()
        : $"{this} as ({string.Join(", ", BigVisionDims)})";
}

/// <summary>
/// Every parameter tensor of a <see cref="Vit"/> as the model holds it, with big_vision's shape and name for each
/// (docs/reference.md §2: stem (p, p, C, D); position (1, T, D); q/k/v (D, h, D/h) with biases (h, D/h); out (h, D/h, D);
/// MLP (D, M), (M, D); probe (1, 1, D); head (D, K)), so that facts that depend on tensor shapes (Adafactor's factored
/// statistics, decay groups) are computed before any model exists. Read from <see cref="VitParts"/>, the one
/// description the runtime builds its model from.
/// </summary>
public static class ParameterShapes
{
    public static ValueList<ParameterShape> Of(Vit m) => new(new VitParts(m).Parameters("", ""));
}
