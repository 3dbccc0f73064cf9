using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ViTDsl.Runtime.Layers;

/// <summary>
/// Dense(D→M) → GELU (tanh approximation, as big_vision) → Dense(M→D): 2DM + M + D parameters. Both products, and
/// the GELU between them, in the model's precision (as big_vision's MlpBlock under dtype_mm).
/// </summary>
public sealed class MlpBlock : nn.Module<Tensor, Tensor>
{
    private readonly Linear expand, contract;
    private readonly Precision precision;

    public MlpBlock(int width, int mlp, Device? device = null, Precision precision = Precision.Fp32) : base(nameof(MlpBlock))
    {
        this.precision = precision;
        expand = Init.MlpDense(width, mlp, device);
        contract = Init.MlpDense(mlp, width, device);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var expanded = MatrixProducts.Dense(expand, x, precision);
        using var hidden = nn.functional.gelu(expanded, GELU.Approximate.tanh);
        return MatrixProducts.Dense(contract, hidden, precision);
    }
}
