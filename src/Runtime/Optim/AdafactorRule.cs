using TorchSharp;
using static TorchSharp.torch;

namespace ViTDsl.Runtime.Optim;

/// <summary>
/// The paper's modified Adafactor (big_vision <c>scale_by_adafactor</c> = optax <c>scale_by_factored_rms</c> with a
/// capped β2 schedule → optional block-RMS clipping → momentum EMA without bias correction). Which axes are factored
/// and β2_t come from the Dsl (<see cref="AdafactorMath"/>), so memory facts and runtime cannot disagree.
/// </summary>
public sealed class AdafactorRule : UpdateRule
{
    private readonly Optimizer.Adafactor config;
    private readonly FactoredAxes? axes;
    private readonly Tensor? vRow, vCol, v, momentum;

    public AdafactorRule(Optimizer.Adafactor config, Tensor parameter)
    {
        this.config = config;
        var shape = parameter.shape;
        axes = AdafactorMath.Factoring(config, shape);
        if (axes is not null)
        {
            vRow = Zeros(Without(shape, axes.Largest), StateDtype.F32, parameter);
            vCol = Zeros(Without(shape, axes.SecondLargest), StateDtype.F32, parameter);
        }
        else
        {
            v = Zeros(shape, StateDtype.F32, parameter);
        }
        if (config.Momentum is not null) momentum = Zeros(shape, config.MomentumDtype, parameter);
    }

    /// <summary>Whether this tensor's second moment is factored into row and column statistics.</summary>
    public bool IsFactored => axes is not null;

    public override IReadOnlyList<(string Name, Tensor Value)> State
    {
        get
        {
            var state = new List<(string, Tensor)>();
            if (vRow is not null) state.Add(("v_row", vRow));
            if (vCol is not null) state.Add(("v_col", vCol));
            if (v is not null) state.Add(("v", v));
            if (momentum is not null) state.Add(("momentum", momentum));
            return state;
        }
    }

    public override Tensor Update(Tensor gradient, long step)
    {
        using var scope = NewDisposeScope();
        var beta2 = AdafactorMath.Beta2(config, step);
        using Scalar epsilon = config.Epsilon; // owned: see Scalars
        var g2 = gradient.pow(Scalars.Two).add_(epsilon, Scalars.One);
        Tensor u;
        if (axes is not null)
        {
            int d0 = axes.Largest, d1 = axes.SecondLargest;
            var rowNew = MomentInto(g2.mean([d0]), vRow!, beta2);
            var colNew = MomentInto(g2.mean([d1]), vCol!, beta2);
            // v_row lost axis d0, so d1 moved down by one if it came after d0.
            var rowMean = rowNew.mean([d1 > d0 ? d1 - 1 : d1], keepdim: true);
            var rowFactor = rowNew.div(rowMean).pow_(Scalars.MinusHalf);
            var colFactor = colNew.pow(Scalars.MinusHalf);
            u = gradient.mul(rowFactor.unsqueeze(d0)).mul_(colFactor.unsqueeze(d1));
            vRow!.copy_(rowNew);
            vCol!.copy_(colNew);
        }
        else
        {
            var vNew = MomentInto(g2, v!, beta2);
            v!.copy_(vNew);
            u = gradient.mul(vNew.pow_(Scalars.MinusHalf));
        }

        if (config.ClipThreshold is double threshold)
        {
            var rms = u.pow(Scalars.Two).mean().sqrt().item<float>();
            using Scalar shrink = Math.Max(1.0, rms / threshold);
            u.div_(shrink);
        }

        if (momentum is not null)
        {
            u = MomentInto(u, momentum, config.Momentum!.Value);
            momentum.copy_(u); // stored rounded (bfloat16 by default); the update uses the float32 value
        }
        return u.MoveToOuterDisposeScope();
    }

    private static long[] Without(long[] shape, int axis) => shape.Where((_, i) => i != axis).ToArray();
}
