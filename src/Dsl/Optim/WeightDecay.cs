namespace ViTDsl;

/// <summary>
/// Decoupled weight decay, split between the classifier kernel (head) and every other kernel (body), in the
/// paper's units: multiples of the base learning rate (paper §3.1: head 3.0, body 0.03 → big_vision's
/// <c>wd = 0.03·lr</c> with a ×100 multiplier on <c>head/kernel</c>). Each step subtracts
/// schedule(t) · <see cref="Coefficient"/> · θ: the decay follows the schedule, not the base learning rate again.
/// Which tensors decay is <see cref="DecayRule"/>.
/// </summary>
/// <param name="Head">Decay of the classifier kernel, in units of the base learning rate (paper: 3.0).</param>
/// <param name="Body">Decay of every other kernel, MAP head included (paper: 0.03).</param>
public sealed record WeightDecay(double Head, double Body)
{
    /// <summary>The paper's split: head 3.0, body 0.03 (× learning rate).</summary>
    public static WeightDecay Paper() => new(3.0, 0.03);

    /// <summary>No weight decay at all.</summary>
    public static WeightDecay None() => new(0, 0);

    /// <summary>
    /// The absolute per-step decay coefficient of a parameter group, as big_vision's <c>wd·mult</c>:
    /// (Head or Body) × base learning rate; 0 for <see cref="ParameterGroup.NoDecay"/>.
    /// </summary>
    public double Coefficient(ParameterGroup group, double learningRate) => group switch
    {
        ParameterGroup.HeadKernel => Head * learningRate,
        ParameterGroup.BodyKernel => Body * learningRate,
        ParameterGroup.NoDecay => 0,
        _ => throw new System.ArgumentOutOfRangeException(nameof(group), group, "unknown parameter group"),
    };
}
