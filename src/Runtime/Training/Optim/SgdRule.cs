using TorchSharp;
using static TorchSharp.torch;

namespace ViTDsl.Runtime.Optim;

/// <summary>
/// SGD with momentum as optax <c>trace</c> (big_vision <c>momentum_hp</c>): m ← g + μ·m, u = m (Nesterov: g + μ·m),
/// m stored in the configured dtype. Equals torch's SGD with dampening 0. Momentum 0 keeps no state.
/// </summary>
internal sealed class SgdRule : UpdateRule
{
    private readonly Optimizer.Sgd config;
    private readonly Tensor? trace;

    public SgdRule(Optimizer.Sgd config, Tensor parameter)
    {
        this.config = config;
        if (config.Momentum != 0) trace = Zeros(parameter.shape, config.MomentumDtype, parameter);
    }

    public override IReadOnlyList<(string Name, Tensor Value)> State => trace is null ? [] : [("trace", trace)];

    public override Tensor Update(Tensor gradient, long step)
    {
        if (trace is null) return gradient.clone();
        using var scope = NewDisposeScope();
        using Scalar momentum = config.Momentum; // owned: see Scalars
        var traceNew = gradient.add(trace.to_type(ScalarType.Float32), momentum);
        trace.copy_(traceNew);
        var u = config.Nesterov ? gradient.add(traceNew, momentum) : traceNew;
        return u.MoveToOuterDisposeScope();
    }
}
