using TorchSharp;
using static TorchSharp.torch;

namespace ViTDsl.Runtime.Optim;

/// <summary>
/// The optimizer part of the chain for one parameter tensor: turns its (clipped) gradient into the update direction
/// u and keeps whatever state that needs. The learning rate, decay and schedule are applied by
/// <see cref="OptimizerChain"/>, as in big_vision.
/// </summary>
internal abstract class UpdateRule : IDisposable
{
    /// <summary>The state tensors this rule keeps, by name (e.g. "mu", "nu", "v_row"); updated in place.</summary>
    public abstract IReadOnlyList<(string Name, Tensor Value)> State { get; }

    /// <summary>Bytes of the state tensors actually allocated.</summary>
    public long StateBytes => State.Sum(s => s.Value.numel() * s.Value.element_size());

    /// <summary>The update direction u for this step (a new float32 tensor); advances the state.</summary>
    /// <param name="gradient">The gradient, float32, same shape as the parameter.</param>
    /// <param name="step">0-based index of this update.</param>
    public abstract Tensor Update(Tensor gradient, long step);

    /// <summary>
    /// The rule <paramref name="optimizer"/> prescribes for a tensor shaped like <paramref name="parameter"/>, which
    /// big_vision holds as <paramref name="layout"/> (null: as torch does). Only Adafactor's factoring depends on it.
    /// </summary>
    public static UpdateRule For(Optimizer optimizer, Tensor parameter, ParameterLayout? layout = null) => optimizer switch
    {
        Optimizer.Adam a => new AdamRule(a, parameter),
        Optimizer.Adafactor f => new AdafactorRule(f, parameter, layout),
        Optimizer.Sgd s => new SgdRule(s, parameter),
        _ => throw new InvalidOperationException("unreachable: Optimizer is closed"),
    };

    /// <summary>The torch dtype that stores a <see cref="StateDtype"/>.</summary>
    protected static ScalarType TorchType(StateDtype dtype) => dtype == StateDtype.Bf16 ? ScalarType.BFloat16 : ScalarType.Float32;

    /// <summary>A zero state tensor on the parameter's device.</summary>
    protected static Tensor Zeros(long[] shape, StateDtype dtype, Tensor like) => zeros(shape, TorchType(dtype), like.device);

    /// <summary>
    /// (1 − decay)·x + decay·old, optax's <c>update_moment</c>, computed in float32. Overwrites
    /// <paramref name="scratch"/>, a temporary holding x, and returns it.
    /// </summary>
    protected static Tensor MomentInto(Tensor scratch, Tensor old, double decay)
    {
        using Scalar keep = 1 - decay, alpha = decay; // owned: see Scalars
        scratch.mul_(keep);
        if (old.dtype == ScalarType.Float32) return scratch.add_(old, alpha);
        // A bfloat16 state is widened first: libtorch's mixed-dtype in-place add is several times slower than a
        // vectorised conversion followed by a float32 add (measured with `vitdsl bench optimizers`).
        using var wide = old.to_type(ScalarType.Float32);
        return scratch.add_(wide, alpha);
    }

    public void Dispose()
    {
        foreach (var (_, value) in State) value.Dispose();
        GC.SuppressFinalize(this);
    }
}
