using System;

namespace ViTDsl;

/// <summary>
/// A learning-rate schedule as a value: linear warmup, a decay, and a linear cooldown, composed F#-style in time
/// order, e.g. <c>Schedule.Warmup(10_000) &gt;&gt; Schedule.Rsqrt(timescale: 10_000) &gt;&gt; Schedule.Cooldown(50_000)</c>
/// (the paper's recipe). <see cref="Multiplier"/> is the factor applied to the base learning rate and to the
/// decoupled weight decay (docs/reference.md §3, §5), with exactly big_vision's formula.
/// </summary>
/// <param name="WarmupSteps">Steps of linear warmup from 0 (0: none).</param>
/// <param name="Decay">The main phase.</param>
/// <param name="CooldownSteps">Steps of linear cooldown to 0 at the last step (0: none).</param>
public sealed record Schedule(long WarmupSteps, Decay Decay, long CooldownSteps)
{
    /// <summary>Linear warmup from 0 to the base rate over <paramref name="steps"/> steps.</summary>
    public static Schedule Warmup(long steps) => new(steps, new Decay.Constant(), 0);

    /// <summary>The base rate throughout.</summary>
    public static Schedule Constant() => new(0, new Decay.Constant(), 0);

    /// <summary>Reciprocal-square-root decay after warmup (paper: timescale 10k).</summary>
    public static Schedule Rsqrt(long timescale) => new(0, new Decay.Rsqrt(timescale), 0);

    /// <summary>Linear (power 1) or polynomial decay from the base rate to <paramref name="end"/> × base at the last step.</summary>
    public static Schedule Linear(double power = 1, double end = 0) => new(0, new Decay.Linear(power, end), 0);

    /// <summary>Cosine decay to 0 at the last step.</summary>
    public static Schedule Cosine() => new(0, new Decay.Cosine(), 0);

    /// <summary>Linear cooldown to 0 over the last <paramref name="steps"/> steps.</summary>
    public static Schedule Cooldown(long steps) => new(0, new Decay.Constant(), steps);

    /// <summary>
    /// The paper's recipe (docs/reference.md §6): warmup 10k, rsqrt with timescale 10k, cooldown 50k.
    /// </summary>
    public static Schedule Paper { get; } = Warmup(10_000) >> Rsqrt(timescale: 10_000) >> Cooldown(50_000);

    /// <summary>
    /// Composes two schedules in time order: warmup, then decay, then cooldown. Each phase may be given once, and
    /// a phase may not follow a later one (a cooldown ends a schedule).
    /// </summary>
    public static Schedule operator >>(Schedule first, Schedule then)
    {
        bool firstHasDecay = first.Decay is not Decay.Constant, thenHasDecay = then.Decay is not Decay.Constant;
        if (first.WarmupSteps > 0 && then.WarmupSteps > 0)
            throw new ArgumentException($"{first} >> {then}: a schedule has one warmup; merge the two into Schedule.Warmup({first.WarmupSteps + then.WarmupSteps}).");
        if (firstHasDecay && thenHasDecay)
            throw new ArgumentException($"{first} >> {then}: a schedule has one decay ({first.Decay} and {then.Decay} are both given); keep one.");
        if (first.CooldownSteps > 0 && then.CooldownSteps > 0)
            throw new ArgumentException($"{first} >> {then}: a schedule has one cooldown; keep one Schedule.Cooldown(…).");
        if (first.CooldownSteps > 0 && (then.WarmupSteps > 0 || thenHasDecay))
            throw new ArgumentException($"{first} >> {then}: the cooldown ends a schedule; write it last, e.g. Warmup(…) >> Rsqrt(…) >> Cooldown(…).");
        if (firstHasDecay && then.WarmupSteps > 0)
            throw new ArgumentException($"{first} >> {then}: the warmup comes before the decay; write Warmup(…) first.");
        return new(first.WarmupSteps + then.WarmupSteps, thenHasDecay ? then.Decay : first.Decay, first.CooldownSteps + then.CooldownSteps);
    }

    /// <summary>
    /// The factor at <paramref name="step"/> (0 ≤ step ≤ totalSteps) of a run of <paramref name="totalSteps"/> steps,
    /// big_vision's <c>create_learning_rate_schedule</c> with base 1: the decay, times min(1, s/W) during warmup,
    /// times min(1, (T − s)/C) during cooldown. It is 1 at the end of warmup (rsqrt, constant) and 0 at step T
    /// when a cooldown is given.
    /// </summary>
    public double Multiplier(long step, long totalSteps)
    {
        var problems = ScheduleRules.Check(this, totalSteps);
        if (problems.Count > 0) throw new ArgumentException(problems[0].Message);
        if (step < 0 || step > totalSteps)
            throw new ArgumentOutOfRangeException(nameof(step), step, $"step must lie in [0, {totalSteps}] (the run's total steps).");

        double s = step, w = WarmupSteps, t = totalSteps;
        double progress = Math.Min(1.0, Math.Max(0.0, (s - w) / (t - w)));
        double lr = Decay switch
        {
            Decay.Constant => 1.0,
            // big_vision: shift = timescale − warmup; where(warmup < step, 1/sqrt((step + shift)/timescale), 1).
            Decay.Rsqrt r => step > WarmupSteps ? 1.0 / Math.Sqrt((s + r.Timescale - w) / r.Timescale) : 1.0,
            Decay.Linear l => l.End + (1.0 - l.End) * Math.Pow(1.0 - progress, l.Power),
            Decay.Cosine => 0.5 * (1.0 + Math.Cos(Math.PI * progress)),
            _ => throw new InvalidOperationException("unreachable: Decay is closed"),
        };
        if (WarmupSteps > 0) lr *= Math.Min(1.0, s / w);
        if (CooldownSteps > 0) lr *= Math.Min(1.0, (t - s) / CooldownSteps);
        return lr;
    }

    public override string ToString()
    {
        var parts = new System.Collections.Generic.List<string>();
        if (WarmupSteps > 0) parts.Add($"warmup({WarmupSteps})");
        if (Decay is not Decay.Constant || parts.Count == 0) parts.Add(Decay.ToString());
        if (CooldownSteps > 0) parts.Add($"cooldown({CooldownSteps})");
        return string.Join(" >> ", parts);
    }
}
