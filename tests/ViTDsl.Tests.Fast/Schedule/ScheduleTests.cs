using FsCheck;
using FsCheck.Xunit;

namespace ViTDsl.Tests.Schedule;

using Schedule = ViTDsl.Schedule;

public class ScheduleTests
{
    // The ViT-g recipe (docs/reference.md §6): lr 8e-4, warmup 10k, rsqrt timescale 10k, cooldown 50k, 1M steps.
    private static readonly ViTDsl.Schedule VitG = Schedule.Warmup(10_000) >> Schedule.Rsqrt(timescale: 10_000) >> Schedule.Cooldown(50_000);
    private const double BaseLr = 8e-4;

    [Fact]
    public void Composition_builds_the_three_phases_and_equals_the_paper_default()
    {
        Assert.Equal(new ViTDsl.Schedule(10_000, new Decay.Rsqrt(10_000), 50_000), VitG);
        Assert.Equal(VitG, Schedule.Paper);
        Assert.Equal(VitG, new Experiment(Vit.Ti(16)).Schedule);
        Assert.Equal("warmup(10000) >> rsqrt(timescale: 10000) >> cooldown(50000)", VitG.ToString());
    }

    [Fact]
    public void Vit_g_recipe_matches_big_visions_formula_at_chosen_steps()
    {
        // Hand-derived: lr/sqrt(1 + (950k - 10k)/10k) = 8e-4/sqrt(95), cooldown factor min(1, 50k/50k) = 1.
        Assert.Equal(8e-4 / Math.Sqrt(95), BaseLr * VitG.Multiplier(950_000, 1_000_000), 15);
        Assert.Equal(8.21e-5, BaseLr * VitG.Multiplier(950_000, 1_000_000), 7);
        Assert.Equal(1.0, VitG.Multiplier(10_000, 1_000_000), 15);  // peak at the end of warmup
        Assert.Equal(0.0, VitG.Multiplier(1_000_000, 1_000_000), 15); // zero at the end of cooldown
        Assert.Equal(0.0, VitG.Multiplier(0, 1_000_000), 15);
        Assert.Equal(0.25, VitG.Multiplier(2_500, 1_000_000), 15);   // linear warmup
        Assert.Equal(1 / Math.Sqrt(2), VitG.Multiplier(20_000, 1_000_000), 15); // one timescale after warmup
        // Halfway through the cooldown: rsqrt(1 + 965k/10k) × 25k/50k.
        Assert.Equal(0.5 / Math.Sqrt(97.5), VitG.Multiplier(975_000, 1_000_000), 15);
    }

    [Fact]
    public void Linear_polynomial_and_cosine_decay_over_the_progress_after_warmup()
    {
        // Warmup 100, total 1100: progress p = (s - 100)/1000.
        var linear = Schedule.Warmup(100) >> Schedule.Linear();
        var cosine = Schedule.Warmup(100) >> Schedule.Cosine();
        var poly = Schedule.Warmup(100) >> Schedule.Linear(power: 2, end: 0.1);
        Assert.Equal(0.5, linear.Multiplier(600, 1100), 15);
        Assert.Equal(0.0, linear.Multiplier(1100, 1100), 15);
        Assert.Equal(0.5, cosine.Multiplier(600, 1100), 15);
        Assert.Equal(0.5 * (1 + Math.Cos(Math.PI / 4)), cosine.Multiplier(350, 1100), 15);
        Assert.Equal(0.1 + 0.9 * 0.75 * 0.75, poly.Multiplier(350, 1100), 15);
        Assert.Equal(0.5, linear.Multiplier(50, 1100), 15); // warmup factor ½ × decay 1 (p clipped to 0)
        Assert.Equal(1.0, Schedule.Constant().Multiplier(7, 10));
    }

    [Fact]
    public void Composition_rejects_repeated_or_out_of_order_phases_with_a_fix()
    {
        Assert.Contains("one warmup", Assert.Throws<ArgumentException>(() => Schedule.Warmup(1) >> Schedule.Warmup(2)).Message);
        Assert.Contains("one decay", Assert.Throws<ArgumentException>(() => Schedule.Rsqrt(10) >> Schedule.Cosine()).Message);
        Assert.Contains("write it last", Assert.Throws<ArgumentException>(() => Schedule.Cooldown(5) >> Schedule.Rsqrt(10)).Message);
        Assert.Contains("before the decay", Assert.Throws<ArgumentException>(() => Schedule.Rsqrt(10) >> Schedule.Warmup(5)).Message);
    }

    [Fact]
    public void Phases_longer_than_the_run_are_a_problem_and_an_error()
    {
        var problems = ScheduleRules.Check(VitG, 40_000);
        Assert.Equal(DiagnosticKinds.PhasesExceedRun.Id, Assert.Single(problems).Id);
        Assert.Contains("60000", problems[0].Message);
        Assert.Throws<ArgumentException>(() => VitG.Multiplier(0, 40_000));
        Assert.Throws<ArgumentOutOfRangeException>(() => VitG.Multiplier(1_000_001, 1_000_000));
        Assert.Empty(ScheduleRules.Check(VitG, 1_000_000));
    }

    // Random valid schedules: warmup, rsqrt/linear/cosine/constant, cooldown, and a run that fits them.
    private static ViTDsl.Schedule Make(int kind, long warmup, long timescale, long cooldown, int power) =>
        Schedule.Warmup(warmup) >> ((kind & 3) switch
        {
            0 => Schedule.Rsqrt(timescale),
            1 => Schedule.Linear(power),
            2 => Schedule.Cosine(),
            _ => Schedule.Constant(),
        }) >> Schedule.Cooldown(cooldown);

    [Property(MaxTest = 200)]
    public bool Schedules_are_non_negative_at_most_one_and_continuous_after_warmup(int kind, PositiveInt w, PositiveInt ts, PositiveInt c, PositiveInt extra, PositiveInt p, NonNegativeInt at)
    {
        long warmup = w.Get % 5_000, timescale = ts.Get % 20_000 + 1, cooldown = c.Get % 5_000, power = p.Get % 3 + 1;
        long total = warmup + cooldown + extra.Get % 50_000 + 1;
        var s = Make(kind, warmup, timescale, cooldown, (int)power);
        long step = warmup + at.Get % (total - warmup); // in [warmup, total)
        double now = s.Multiplier(step, total), next = s.Multiplier(step + 1, total);
        // A product of factors in [0, 1] changes per step by at most the sum of their slopes.
        double slope = 1.0 / (2 * timescale) + (cooldown > 0 ? 1.0 / cooldown : 0) + power * Math.PI / (total - warmup);
        return now >= 0 && now <= 1 && next >= 0 && Math.Abs(next - now) <= slope + 1e-12;
    }

    [Property(MaxTest = 200)]
    public bool Schedules_are_non_negative_everywhere(int kind, PositiveInt w, PositiveInt ts, PositiveInt c, PositiveInt extra, NonNegativeInt at)
    {
        long warmup = w.Get % 5_000, cooldown = c.Get % 5_000, total = warmup + cooldown + extra.Get % 50_000 + 1;
        var s = Make(kind, warmup, ts.Get % 20_000 + 1, cooldown, 1);
        double m = s.Multiplier(at.Get % (total + 1), total);
        return m >= 0 && m <= 1;
    }
}
