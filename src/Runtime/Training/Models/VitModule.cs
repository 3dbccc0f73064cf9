using static TorchSharp.torch;

namespace ViTDsl.Runtime.Models;

/// <summary>
/// What every generated ViT offers beyond <c>forward</c>: the pooled representation and the pre-logits features
/// (what few-shot probes read), and the shape it was generated from. Whatever the <see cref="Precision"/> of its
/// products, its parameters, pooled representation, features and logits are float32.
/// </summary>
public abstract class VitModule(string name, Precision precision = Precision.Fp32) : nn.Module<Tensor, Tensor>(name)
{
    /// <summary>The evaluated shape this module was generated from.</summary>
    public abstract Vit Shape { get; }

    /// <summary>The number type of its matrix products (the experiment's declared precision).</summary>
    public Precision Precision { get; } = precision;

    /// <summary>What training recomputes instead of keeping (the experiment's <see cref="Execution"/>): each encoder block runs through <see cref="Layers.Rematerialised"/>.</summary>
    public Rematerialisation Rematerialisation { get; set; } = Rematerialisation.None;

    /// <summary>Images [batch, C, H, W] → pooled representation [batch, Width].</summary>
    public abstract Tensor Pooled(Tensor images);

    /// <summary>Images → pre-logits features [batch, RepresentationWidth] (the pooled representation without pre-logits).</summary>
    public abstract Tensor Features(Tensor images);

    /// <summary>Pre-logits features → logits [batch, Classes] (the classifier alone).</summary>
    public abstract Tensor Logits(Tensor features);

    /// <summary>Images → logits [batch, Classes].</summary>
    public override Tensor forward(Tensor images)
    {
        using var features = Features(images);
        return Logits(features);
    }

    /// <summary>The real number of trainable parameter elements, for comparison with the plan's count.</summary>
    public long CountParameters() => parameters().Sum(p => p.numel());

    /// <summary>
    /// The weight-decay groups of this model's parameters (docs/reference.md §3): the classifier kernel `head.weight`
    /// decays as head, every other kernel as body, biases, norms, embeddings, probe and class token not at all;
    /// each with big_vision's layout (what Adafactor factors).
    /// </summary>
    internal Optim.ParameterGroups Groups => Optim.ParameterGroups.Of(this, Shape);
}
