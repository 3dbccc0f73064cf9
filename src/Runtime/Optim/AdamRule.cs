using static TorchSharp.torch;

namespace ViTDsl.Runtime.Optim;

/// <summary>
/// Adam with bias correction (optax <c>scale_by_adam</c>, eps outside the square root). With a bfloat16 first
/// moment the update uses the freshly computed float32 moment; only what is stored for the next step is rounded,
/// as optax does with <c>mu_dtype</c>.
/// </summary>
public sealed class AdamRule : UpdateRule
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
        var muNew = Moment(gradient, mu, config.Beta1);
        var nuNew = Moment(gradient.square(), nu, config.Beta2);
        double t = step + 1;
        var muHat = muNew.div(1 - Math.Pow(config.Beta1, t));
        var nuHat = nuNew.div(1 - Math.Pow(config.Beta2, t));
        var u = muHat.div_(nuHat.sqrt_().add_(config.Epsilon));
        mu.copy_(muNew); // rounds to nearest even when mu is bfloat16
        nu.copy_(nuNew);
        return u.MoveToOuterDisposeScope();
    }
}
