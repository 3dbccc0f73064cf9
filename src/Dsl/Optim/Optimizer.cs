namespace ViTDsl;

/// <summary>
/// The per-tensor gradient transformation u(g) of the update chain (docs/reference.md §4). A closed union: Adam, the
/// paper's modified Adafactor, or SGD with momentum. Learning rate, weight decay, clipping and schedule are
/// separate fields of <see cref="Experiment"/>, because big_vision chains them around any optimizer:
/// clip → optimizer → × lr → + decoupled decay → × schedule.
/// </summary>
public abstract record Optimizer
{
    private Optimizer() { }

    /// <summary>
    /// Adam with bias correction (optax <c>scale_by_adam</c>). Storing only the first moment in bfloat16
    /// (<see cref="FirstMoment"/> = <see cref="StateDtype.Bf16"/>) cuts its state from 8 to 6 bytes per parameter.
    /// </summary>
    public sealed record Adam : Optimizer
    {
        public double Beta1 { get; init; } = 0.9;
        public double Beta2 { get; init; } = 0.999;
        public double Epsilon { get; init; } = 1e-8;

        /// <summary>Storage of the first moment; the second moment is always float32.</summary>
        public StateDtype FirstMoment { get; init; } = StateDtype.F32;
    }

    /// <summary>
    /// The paper's modified Adafactor (big_vision <c>scale_by_adafactor</c>): a factored second moment with
    /// β2_t = min(<see cref="Beta2Cap"/>, 1 − t^(−<see cref="DecayRate"/>)), optional per-tensor RMS clipping of the
    /// update, then a momentum EMA without bias correction stored in <see cref="MomentumDtype"/>. No parameter-scale
    /// learning rate and no internal weight decay (those are the chain's job). About 2 bytes per parameter.
    /// </summary>
    public sealed record Adafactor : Optimizer
    {
        /// <summary>EMA coefficient of the update momentum; null disables momentum (and its state).</summary>
        public double? Momentum { get; init; } = 0.9;

        public StateDtype MomentumDtype { get; init; } = StateDtype.Bf16;

        /// <summary>Upper bound of the second-moment decay β2_t.</summary>
        public double Beta2Cap { get; init; } = 0.999;

        /// <summary>Exponent c of β2_t = 1 − t^(−c), t = step + 1 (so β2 = 0 on the first step).</summary>
        public double DecayRate { get; init; } = 0.8;

        /// <summary>A tensor's second moment is factored only if its second-largest dimension is at least this.</summary>
        public int MinDimToFactor { get; init; } = 32;

        /// <summary>Added to g² before averaging (1e-30 in big_vision).</summary>
        public double Epsilon { get; init; } = 1e-30;

        /// <summary>If set, each tensor's update is divided by max(1, RMS(u)/threshold); null (the paper) leaves it.</summary>
        public double? ClipThreshold { get; init; }
    }

    /// <summary>
    /// SGD with momentum (optax <c>trace</c>, big_vision <c>momentum_hp</c> used for fine-tuning): m ← g + μ·m,
    /// u = m (or g + μ·m with Nesterov), m stored in <see cref="MomentumDtype"/>. Momentum 0 is plain SGD, no state.
    /// </summary>
    public sealed record Sgd : Optimizer
    {
        public double Momentum { get; init; } = 0.9;

        /// <summary>big_vision's <c>momentum_hp</c> keeps the accumulator in bfloat16.</summary>
        public StateDtype MomentumDtype { get; init; } = StateDtype.Bf16;

        public bool Nesterov { get; init; }
    }
}
