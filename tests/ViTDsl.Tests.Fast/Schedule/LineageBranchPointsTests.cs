namespace ViTDsl.Tests.Schedule;

// Lineage.BranchPoints: where a run keeps checkpoints so the shorter runs of its lineage train only their cooldowns.
public class LineageBranchPointsTests
{
    private static readonly Experiment Run = new(Vit.Ti(16) with { Image = 32 })
    {
        Schedule = ViTDsl.Schedule.Warmup(100) >> ViTDsl.Schedule.Rsqrt(timescale: 400) >> ViTDsl.Schedule.Cooldown(250),
    };

    private static Experiment Steps(long steps) => Run with { Steps = steps };

    [Fact]
    public void The_longest_run_keeps_the_cooldown_starts_of_every_shorter_duration()
    {
        // The main study's durations, cooldown 250: the shorter runs start their cooldowns at T − 250.
        var runs = new[] { 625L, 1_250, 2_500, 3_750, 5_000 }.Select(Steps).ToList();
        Assert.Equal(new long[] { 375, 1_000, 2_250, 3_500 }, Lineage.BranchPoints(Steps(5_000), runs));
        Assert.Equal(new long[] { 375, 1_000 }, Lineage.BranchPoints(Steps(2_500), runs)); // its own 2,250 is kept anyway
        Assert.Empty(Lineage.BranchPoints(Steps(625), runs));
    }

    [Fact]
    public void Runs_of_another_lineage_or_a_length_dependent_decay_give_no_branch_points()
    {
        var otherModel = Steps(1_000) with { Model = Vit.S(16) with { Image = 32 } };
        Assert.Empty(Lineage.BranchPoints(Steps(5_000), [otherModel, Steps(5_000)]));
        var cosine = Steps(5_000) with { Schedule = ViTDsl.Schedule.Warmup(100) >> ViTDsl.Schedule.Cosine() };
        Assert.Empty(Lineage.BranchPoints(cosine, [cosine with { Steps = 1_000 }]));
    }
}
