using FsCheck;
using FsCheck.Xunit;

namespace ViTDsl.Tests.Schedule;

using Schedule = ViTDsl.Schedule;

public class InfiniteScheduleTests
{
    private static readonly ViTDsl.Schedule Main = Schedule.Warmup(10_000) >> Schedule.Rsqrt(timescale: 10_000);

    [Fact]
    public void Branches_follow_the_papers_cooldown_lengths_and_fork_points()
    {
        var infinite = new InfiniteSchedule(Main, ValueList.Of(500_000L, 200_000L, 400_000L, 50_000L));
        var branches = infinite.Branches;
        Assert.Equal(new[] { 50_000L, 200_000L, 400_000L, 500_000L }, branches.Select(b => b.Duration));
        Assert.Equal(new[] { 10_000L, 50_000L, 50_000L, 50_000L }, branches.Select(b => b.CooldownSteps)); // ≤ 60k: 10k
        Assert.Equal(new[] { 40_000L, 150_000L, 350_000L, 450_000L }, branches.Select(b => b.Start));
        Assert.Equal(450_000L, infinite.MainSteps);
        Assert.Equal(0.0, infinite.Multiplier(branches[1], 200_000));
        // 25k steps into the 200k branch's cooldown: rsqrt(1 + 165k/10k) × ½.
        Assert.Equal(0.5 / Math.Sqrt(17.5), infinite.Multiplier(branches[1], 175_000), 15);
        Assert.Equal(1 / Math.Sqrt(17.5), infinite.Multiplier(175_000), 15);
    }

    [Fact]
    public void A_main_run_with_a_cooldown_or_a_length_dependent_decay_is_rejected()
    {
        Assert.Contains("cooldown", Assert.Throws<ArgumentException>(() =>
            new InfiniteSchedule(Schedule.Paper, ValueList.Of(100_000L)).Multiplier(5)).Message);
        Assert.Contains("cannot run indefinitely", Assert.Throws<ArgumentException>(() =>
            new InfiniteSchedule(Schedule.Cosine(), ValueList.Of(100_000L)).Multiplier(5)).Message);
        Assert.NotEmpty(InfiniteScheduleRules.Check(new InfiniteSchedule(Main, ValueList.Of(15_000L))));
    }

    [Property(MaxTest = 200)]
    public bool A_cooldown_branch_equals_the_main_run_before_it_starts(PositiveInt w, PositiveInt ts, PositiveInt c, PositiveInt d, NonNegativeInt at, bool rsqrt)
    {
        long warmup = w.Get % 2_000, cooldown = c.Get % 3_000 + 1;
        long duration = warmup + cooldown + d.Get % 100_000;
        var main = Schedule.Warmup(warmup) >> (rsqrt ? Schedule.Rsqrt(ts.Get % 10_000 + 1) : Schedule.Constant());
        var infinite = new InfiniteSchedule(main, ValueList.Of(duration)) { CooldownSteps = cooldown };
        var branch = Assert.Single(infinite.Branches);
        long before = at.Get % (branch.Start + 1);
        long during = branch.Start + at.Get % (cooldown + 1);
        double expectedCooldown = infinite.Multiplier(during) * (duration - during) / (double)cooldown;
        return infinite.Multiplier(branch, before) == infinite.Multiplier(before)
               && Math.Abs(infinite.Multiplier(branch, during) - expectedCooldown) < 1e-12
               && infinite.Multiplier(branch, duration) == 0;
    }
}
