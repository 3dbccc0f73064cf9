using System;
using System.Linq;

namespace ViTDsl;

/// <summary>
/// The paper's "infinite" schedule (§3.5): one main run whose schedule never decays to zero (warmup, then rsqrt
/// or constant), plus cooldown branches that fork off it so that one run evaluates several training lengths.
/// A branch of duration D with cooldown C follows the main run up to step D − C, then cools down linearly to 0
/// at step D: its multiplier is <c>(Main &gt;&gt; Cooldown(C)).Multiplier(s, D)</c>.
/// </summary>
/// <param name="Main">The main run's schedule, without a cooldown, e.g. <c>Warmup(10_000) &gt;&gt; Rsqrt(10_000)</c>.</param>
/// <param name="Durations">The total training lengths (steps) of the branches.</param>
public sealed record InfiniteSchedule(Schedule Main, ValueList<long> Durations)
{
    /// <summary>
    /// Cooldown length of every branch; null (default) follows the paper: 10k steps for runs up to 60k steps,
    /// 50k for longer ones.
    /// </summary>
    public long? CooldownSteps { get; init; }

    /// <summary>The cooldown of a branch lasting <paramref name="duration"/> steps.</summary>
    public long CooldownFor(long duration) => CooldownSteps ?? (duration <= 60_000 ? 10_000 : 50_000);

    /// <summary>The branches, shortest first.</summary>
    public ValueList<CooldownBranch> Branches =>
        new(Durations.OrderBy(d => d).Select(d => new CooldownBranch(d, CooldownFor(d))));

    /// <summary>Steps the main run must reach so that every branch can fork off it.</summary>
    public long MainSteps => Branches.Count == 0 ? 0 : Branches.Max(b => b.Start);

    /// <summary>The main run's multiplier at <paramref name="step"/>; it does not depend on a total length.</summary>
    public double Multiplier(long step)
    {
        Require();
        return Main.Multiplier(step, Math.Max(step, Math.Max(1, Main.WarmupSteps)));
    }

    /// <summary>A branch's multiplier at <paramref name="step"/> (0 ≤ step ≤ its duration): the main run's before
    /// <see cref="CooldownBranch.Start"/>, then cooled down linearly to 0 at its duration.</summary>
    public double Multiplier(CooldownBranch branch, long step)
    {
        Require();
        return (Main >> Schedule.Cooldown(branch.CooldownSteps)).Multiplier(step, branch.Duration);
    }

    private void Require()
    {
        var problems = InfiniteScheduleRules.Check(this);
        if (problems.Count > 0) throw new ArgumentException(problems[0].Message);
    }
}

/// <summary>One cooldown branch of an <see cref="InfiniteSchedule"/>.</summary>
/// <param name="Duration">The branch's total training length in steps.</param>
/// <param name="CooldownSteps">Length of its cooldown.</param>
public sealed record CooldownBranch(long Duration, long CooldownSteps)
{
    /// <summary>The main-run step at which this branch forks off (its cooldown starts here).</summary>
    public long Start => Duration - CooldownSteps;
}
