namespace ViTDsl;

/// <summary>Which weight decay a parameter tensor receives (docs/reference.md §3).</summary>
public enum ParameterGroup
{
    /// <summary>The classifier's kernel (<c>head.weight</c>): the strong head decay.</summary>
    HeadKernel,

    /// <summary>Every other kernel (weight matrix or convolution filter), the MAP head's and pre-logits' included.</summary>
    BodyKernel,

    /// <summary>Biases, LayerNorm scales and offsets, position embedding, MAP probe and class token.</summary>
    NoDecay,
}
