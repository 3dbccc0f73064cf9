using static TorchSharp.torch;

namespace ViTDsl.Runtime.Weights;

/// <summary>
/// One tensor of an outside naming convention and how it is made from ViTDsl's parameters and back. Each direction is
/// one explicit operation (a rename, a concatenation, a reshape and transpose), so that export then import returns
/// every parameter bit for bit.
/// </summary>
internal abstract record WeightLink(string Foreign)
{
    /// <summary>The foreign tensor, from ViTDsl's parameters by name.</summary>
    public abstract Tensor Export(Func<string, Tensor> native);

    /// <summary>ViTDsl's parameters this foreign tensor gives, by name.</summary>
    public abstract IEnumerable<KeyValuePair<string, Tensor>> Import(Tensor foreign);

    /// <summary>The same tensor under another name.</summary>
    public sealed record Renamed(string Foreign, string Native) : WeightLink(Foreign)
    {
        public override Tensor Export(Func<string, Tensor> native) => native(Native).alias();
        public override IEnumerable<KeyValuePair<string, Tensor>> Import(Tensor foreign) => [KeyValuePair.Create(Native, foreign.alias())];
    }

    /// <summary>Several parameters stacked along the first axis (timm's fused <c>qkv</c> and <c>kv</c> projections: [q; k; v] rows).</summary>
    public sealed record Stacked(string Foreign, IReadOnlyList<string> Natives) : WeightLink(Foreign)
    {
        public override Tensor Export(Func<string, Tensor> native) => cat(Natives.Select(native).ToArray(), 0);
        public override IEnumerable<KeyValuePair<string, Tensor>> Import(Tensor foreign) =>
            Natives.Zip(foreign.chunk(Natives.Count, 0), (name, part) => KeyValuePair.Create(name, part));
    }

    /// <summary>
    /// A parameter big_vision holds in another shape (<see cref="ParameterLayout"/>): the torch tensor viewed as
    /// <c>View</c> and permuted by <c>Permutation</c> is big_vision's array; importing permutes back by the inverse and
    /// reshapes to the torch shape.
    /// </summary>
    public sealed record Relaid(string Foreign, string Native, ParameterLayout Layout, IReadOnlyList<long> NativeShape) : WeightLink(Foreign)
    {
        public override Tensor Export(Func<string, Tensor> native) =>
            native(Native).view([.. Layout.View]).permute([.. Layout.Permutation.Select(a => (long)a)]);

        public override IEnumerable<KeyValuePair<string, Tensor>> Import(Tensor foreign) =>
            [KeyValuePair.Create(Native, foreign.permute([.. Layout.Inverse.Select(a => (long)a)]).reshape([.. NativeShape]))];
    }

    /// <summary>
    /// big_vision's position embedding (1, N, D) covers the patches only and is added before the class token is
    /// prepended; ViTDsl's (1, N+1, D) has a first row for the class token (as timm's). Export drops that row (it is folded
    /// into the class token, <see cref="ClassToken"/>); import puts a zero row there.
    /// </summary>
    public sealed record PatchPositions(string Foreign, string Native, bool HasClassToken) : WeightLink(Foreign)
    {
        public override Tensor Export(Func<string, Tensor> native)
        {
            var position = native(Native);
            return HasClassToken ? position.narrow(1, 1, position.shape[1] - 1) : position.alias();
        }

        public override IEnumerable<KeyValuePair<string, Tensor>> Import(Tensor foreign) =>
            [KeyValuePair.Create(Native, HasClassToken ? cat([zeros_like(foreign.narrow(1, 0, 1)), foreign], 1) : foreign.alias())];
    }

    /// <summary>
    /// big_vision's class token, which gets no position embedding: ViTDsl's class token plus its position row (the sum
    /// ViTDsl's first token starts from, so the logits are the same). The sum is written in float64, where the sum of two
    /// float32 numbers is exact: rounding it to float32 is what ViTDsl's own float32 forward pass does, and a float64
    /// reader sees the unrounded value. Import gives the class token alone.
    /// </summary>
    public sealed record ClassToken(string Foreign, string Native, string Position) : WeightLink(Foreign)
    {
        public override Tensor Export(Func<string, Tensor> native) =>
            native(Native).to(ScalarType.Float64).add(native(Position).narrow(1, 0, 1).to(ScalarType.Float64), Scalars.One); // a + b without an unowned Scalar (see Scalars)
        public override IEnumerable<KeyValuePair<string, Tensor>> Import(Tensor foreign) => [KeyValuePair.Create(Native, foreign.alias())];
    }
}
