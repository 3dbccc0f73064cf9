using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ViTDsl.Runtime.Layers;

/// <summary>
/// Dense(D→M) → GELU (tanh approximation, as big_vision) → Dense(M→D) (<see cref="MlpPart"/>). Both products, and the
/// GELU between them, in the model's precision (as big_vision's MlpBlock under dtype_mm).
/// </summary>
internal sealed class MlpBlock : nn.Module<Tensor, Tensor>
{
    private readonly Linear expand, contract;
    private readonly Precision precision;

    public MlpBlock(MlpPart part, Device? device = null, Precision precision = Precision.Fp32) : base(nameof(MlpBlock))
    {
        this.precision = precision;
        register_module(MlpPart.Expand, expand = Init.MlpDense(part.Width, part.Hidden, device));
        register_module(MlpPart.Contract, contract = Init.MlpDense(part.Hidden, part.Width, device));
    }

    public override Tensor forward(Tensor x)
    {
        using var expanded = MatrixProducts.Dense(x, [expand], precision);
        using var hidden = nn.functional.gelu(expanded, GELU.Approximate.tanh);
        return MatrixProducts.Dense(hidden, [contract], precision);
    }
}
