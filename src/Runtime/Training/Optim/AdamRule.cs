using TorchSharp;
using static TorchSharp.torch;

namespace ViTDsl.Runtime.Optim;

/// <summary>
/// Adam with bias correction (optax <c>scale_by_adam</c>, eps outside the square root). With a bfloat16 first
/// moment the update uses the freshly computed float32 moment; only what is stored for the next step is rounded,
/// as optax does with <c>mu_dtype</c>.
/// </summary>
internal sealed class AdamRule : UpdateRule
{
    private readonly Optimizer.Adam config;
    private readonly Tensor mu, nu;

    public AdamRule(Optimizer.Adam config, Tensor parameter)
    {
        this.config = config;
        mu = Zeros(parameter.shape, config.FirstMoment, parameter);
        nu = Zeros(parameter.shape, StateDtype.F32, parameter);
    }

    public override IReadOnlyList<(string Name, Tensor Value)> State => [("mu", mu), ("nu", nu)];

    public override Tensor Update(Tensor gradient, long step)
    {
        using var scope = NewDisposeScope();
        // ν is float32, so it is updated in place: ν ← β2·ν + (1 − β2)·g².
        using Scalar beta2 = config.Beta2, oneMinusBeta2 = 1 - config.Beta2, epsilon = config.Epsilon; // owned: see Scalars
        nu.mul_(beta2).addcmul_(gradient, gradient, oneMinusBeta2);
        // μ is computed in float32 into the tensor that becomes u; only the stored copy is rounded (optax mu_dtype).
        var u = MomentInto(gradient.clone(), mu, config.Beta1);
        mu.copy_(u); // rounds to nearest even when μ is bfloat16
        double t = step + 1;
        using Scalar correction2 = 1 - Math.Pow(config.Beta2, t), correction1 = 1 - Math.Pow(config.Beta1, t);
        var denominator = nu.div(correction2).sqrt_().add_(epsilon, Scalars.One);
        u.div_(correction1).div_(denominator);
        return u.MoveToOuterDisposeScope();
    }
}
