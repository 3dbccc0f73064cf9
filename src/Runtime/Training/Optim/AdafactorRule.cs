using TorchSharp;
using static TorchSharp.torch;

namespace ViTDsl.Runtime.Optim;

/// <summary>
/// The paper's modified Adafactor (big_vision <c>scale_by_adafactor</c> = optax <c>scale_by_factored_rms</c> with a
/// capped β2 schedule → optional block-RMS clipping → momentum EMA without bias correction), on big_vision's shape of
/// each parameter. Which axes are factored and β2_t come from the Dsl (<see cref="AdafactorMath"/>), so memory facts
/// and runtime cannot disagree.
/// </summary>
internal sealed class AdafactorRule : UpdateRule
{
    private readonly Optimizer.Adafactor config;
    private readonly FactoredAxes? axes;
    private readonly Tensor? vRow, vCol, v, momentum;
    private readonly long[] torchShape, view;
    private readonly long[] toBigVision, toTorch;

    /// <param name="layout">
    /// big_vision's layout of the parameter (null: as torch holds it). Factoring, statistics and momentum follow
    /// big_vision's shape, so a q/k/v kernel is factored per head, or not at all when the head width is below
    /// <see cref="Optimizer.Adafactor.MinDimToFactor"/>, as in the paper.
    /// </param>
    public AdafactorRule(Optimizer.Adafactor config, Tensor parameter, ParameterLayout? layout = null)
    {
        this.config = config;
        torchShape = parameter.shape;
        layout ??= ParameterLayout.Identity(torchShape);
        if (layout.View.Aggregate(1L, (p, d) => p * d) != parameter.numel())
            throw new ArgumentException($"Layout {layout.View} does not hold a parameter of shape [{string.Join(", ", torchShape)}].", nameof(layout));
        (view, toBigVision, toTorch) = (layout.View.ToArray(), layout.Permutation.Select(a => (long)a).ToArray(), layout.Inverse.Select(a => (long)a).ToArray());
        var shape = layout.BigVision.ToArray();
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
        gradient = BigVision(gradient);
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
        return Torch(u).MoveToOuterDisposeScope();
    }

    /// <summary>big_vision's array over a torch-shaped tensor: a reshape and a permutation, both views.</summary>
    private Tensor BigVision(Tensor torchShaped) => torchShaped.view(view).permute(toBigVision);

    /// <summary>
    /// Back to the torch shape. Element-wise results keep the memory order of the gradient they came from, so after
    /// the inverse permutation the tensor is contiguous in torch order and <c>reshape</c> is a view.
    /// </summary>
    private Tensor Torch(Tensor bigVisionShaped) => bigVisionShaped.permute(toTorch).reshape(torchShape);

    private static long[] Without(long[] shape, int axis) => shape.Where((_, i) => i != axis).ToArray();
}
