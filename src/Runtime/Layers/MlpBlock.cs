using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ViTDsl.Runtime.Layers;

/// <summary>Dense(D→M) → GELU (tanh approximation, as big_vision) → Dense(M→D): 2DM + M + D parameters.</summary>
public sealed class MlpBlock : nn.Module<Tensor, Tensor>
{
    private readonly Linear expand, contract;

    public MlpBlock(int width, int mlp, Device? device = null) : base(nameof(MlpBlock))
    {
        expand = Init.MlpDense(width, mlp, device);
        contract = Init.MlpDense(mlp, width, device);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var hidden = nn.functional.gelu(expand.forward(x), GELU.Approximate.tanh);
        return contract.forward(hidden);
    }
}
