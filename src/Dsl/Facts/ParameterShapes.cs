using System.Collections.Generic;
using System.Linq;

namespace ViTDsl;

/// <summary>
/// One parameter tensor: its name as TorchSharp's <c>named_parameters()</c> reports it, its torch shape, and how
/// big_vision holds it (<see cref="ParameterLayout"/>; the torch shape as it is unless said otherwise).
/// </summary>
public sealed record ParameterShape(string Name, ValueList<long> Dims)
{
    public ParameterLayout Layout { get; init; } = ParameterLayout.Identity(Dims);

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
/// Every parameter tensor of a <see cref="Vit"/> as the generated TorchSharp module holds it, with big_vision's
/// shape for each (docs/reference.md §2: stem (p, p, C, D); position (1, T, D); q/k/v (D, h, D/h) with biases (h, D/h);
/// out (h, D/h, D); MLP (D, M), (M, D); probe (1, 1, D); head (D, K)), so that facts that depend on tensor shapes
/// (Adafactor's factored statistics, decay groups) are computed before any model exists.
/// The field layout the generator emits: <c>stem</c> (PatchEmbedding: <c>projection</c> conv), <c>position</c>
/// [1,T,D], <c>cls</c> [1,1,D] with <see cref="Pool.Token"/>, <c>blocks</c> (EncoderBlocks), <c>norm</c>,
/// <c>pool</c> (MapHead) with <see cref="Pool.Map"/>, <c>preLogits</c> when set, <c>head</c>.
/// </summary>
public static class ParameterShapes
{
    public static ValueList<ParameterShape> Of(Vit m)
    {
        long d = m.Width, mlp = m.Mlp;
        var shapes = new List<ParameterShape>();
        void Add(string name, params long[] dims) => shapes.Add(new(name, new ValueList<long>(dims)));
        void AddAs(string name, ParameterLayout layout, params long[] dims) => shapes.Add(new(name, new ValueList<long>(dims)) { Layout = layout });
        void Dense(string name, long inputs, long outputs)
        {
            AddAs(name + ".weight", ParameterLayout.DenseKernel(inputs, outputs), outputs, inputs); // torch stores [out, in]
            Add(name + ".bias", outputs);
        }
        void Norm(string name) { Add(name + ".weight", d); Add(name + ".bias", d); }
        void Attention(string name)
        {
            foreach (var p in new[] { "query", "key", "value" })
            {
                AddAs($"{name}.{p}.weight", ParameterLayout.HeadsOutKernel(d, m.Heads), d, d);
                AddAs($"{name}.{p}.bias", ParameterLayout.HeadsBias(d, m.Heads), d);
            }
            AddAs($"{name}.output.weight", ParameterLayout.HeadsInKernel(d, m.Heads), d, d);
            Add($"{name}.output.bias", d);
        }
        void Mlp(string name) { Dense(name + ".expand", d, mlp); Dense(name + ".contract", mlp, d); }

        AddAs("stem.projection.weight", ParameterLayout.PatchKernel(d, m.Channels, m.Patch), d, m.Channels, m.Patch, m.Patch);
        Add("stem.projection.bias", d);
        Add("position", 1, m.Tokens, d);
        if (m.Pool is Pool.Token) Add("cls", 1, 1, d);
        for (var i = 0; i < m.Depth; i++)
        {
            var block = $"blocks.{i}";
            Norm(block + ".norm1");
            Attention(block + ".attention");
            Norm(block + ".norm2");
            Mlp(block + ".mlp");
        }
        Norm("norm");
        if (m.Pool is Pool.Map)
        {
            Add("pool.probe", 1, 1, d);
            Attention("pool.attention");
            Norm("pool.norm");
            Mlp("pool.mlp");
        }
        if (m.PreLogits is int r) Dense("preLogits", d, r);
        Dense("head", m.RepresentationWidth, m.Classifier.Classes);
        return new ValueList<ParameterShape>(shapes);
    }
}
