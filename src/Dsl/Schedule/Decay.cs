namespace ViTDsl;

/// <summary>
/// The main phase of a learning-rate schedule, between warmup and cooldown (big_vision's <c>decay_type</c>).
/// A closed union: the cases below are all there is.
/// </summary>
public abstract record Decay
{
    private Decay() { }

    /// <summary>The base rate, unchanged (the paper's "constant" infinite schedule).</summary>
    public sealed record Constant : Decay;

    /// <summary>
    /// Reciprocal square root: 1/√(1 + (s − W)/timescale) after warmup W (the paper's choice, timescale 10k).
    /// It never reaches zero, so a run can be extended and cooled down at any step.
    /// </summary>
    /// <param name="Timescale">Steps over which the rate falls to 1/√2 of its peak.</param>
    public sealed record Rsqrt(long Timescale) : Decay;

    /// <summary>Polynomial decay End + (1 − End)·(1 − p)^Power over the progress p ∈ [0, 1] after warmup.</summary>
    /// <param name="Power">1 for linear decay.</param>
    /// <param name="End">The multiplier reached at the last step (0 decays to zero).</param>
    public sealed record Linear(double Power, double End) : Decay;

    /// <summary>Cosine decay ½(1 + cos πp) over the progress p ∈ [0, 1] after warmup.</summary>
    public sealed record Cosine : Decay;

    /// <summary>Whether this decay needs the run's total length (it is defined over the progress p).</summary>
    public bool NeedsTotal => this is Linear or Cosine;

    public sealed override string ToString() => this switch
    {
        Constant => "constant",
        Rsqrt r => $"rsqrt(timescale: {r.Timescale})",
        Linear l => l.Power == 1 && l.End == 0 ? "linear" : $"linear(power: {l.Power}, end: {l.End})",
        Cosine => "cosine",
        _ => throw new System.InvalidOperationException("unreachable: Decay is closed"),
    };
}
