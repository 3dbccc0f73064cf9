using static ViTDsl.Experiments.Fashion.FashionMnist;
using static ViTDsl.Experiments.Fashion.Studies;

namespace ViTDsl.Experiments.Findings;

/// <summary>
/// The studies behind `vitdsl findings`: each varies the field a claim of the paper is about, over several seeds
/// (<see cref="Data.Seed"/> seeds the initialisation, the data order and the augmentation), sized to a few minutes on
/// two cores in fp32 (the fastest precision where bf16 is emulated, as on CPUs without AVX512-BF16 or AMX). One trial
/// answers every claim it can: the recipe study's paper-recipe trials are the baseline of (c), (d) and (e), and the
/// scale study's trials serve both (a) and (b). Each study has a seconds-long smoke twin on synthetic images that the
/// tests run end to end.
/// </summary>
[Experiments]
public static partial class FindingStudies
{
    // ---- (a) error vs compute and (b) sample efficiency: model size × duration (cooldown branches) × seed ----

    /// <summary>
    /// Seeds each full study declares: its pilot runs the first three, and `vitdsl findings` runs as many more as the
    /// pilot's spread says its comparisons need (<see cref="StudySeeds"/>), never beyond these.
    /// </summary>
    private static Axis Seeds => Axis.Of(Labels.Seed, (e, s) => e with { Data = e.Data with { Seed = s } }, 0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L);

    // The paper's loss (multi-label sigmoid, head bias −10), since the findings test the paper's recipe.
    private static Experiment PaperRecipe => Recipe with { Loss = new Loss.Sigmoid() };

    private static Experiment ScaleBase => PaperRecipe with
    {
        Data = Recipe.Data with { Batch = 128 },
        Schedule = Schedule.Warmup(20) >> Schedule.Rsqrt(timescale: 100) >> Schedule.Cooldown(40),
    };

    /// <summary>Three model sizes × four durations (100–800 steps of 128 images, branched off one rsqrt run per model and seed) × up to ten seeds.</summary>
    public static Sweep FindingScale => Scale(ScaleBase);

    /// <summary><see cref="FindingScale"/> in bf16, for CPUs with bf16 instructions (`findings` picks the faster).</summary>
    public static Sweep FindingScaleBf16 => Scale(ScaleBase with { Precision = Precision.Bf16 });

    private static Sweep Scale(Experiment baseline) => Sweep.From(baseline)
        * Axis.Of(Labels.Model, (e, m) => e with { Model = m }, Patch7Vit("f7-w8", width: 8, depth: 1, heads: 1),
            Patch7Vit("f7-w16", width: 16, depth: 1, heads: 2), Patch7Vit("f7-w32", width: 32, depth: 2, heads: 2))
        * Seeds
        * Axis.Of(Labels.Steps, (e, s) => e with { Steps = s }, 100L, 200L, 400L, 800L);

    // ---- (c) head/body weight decay, (d) pooling, (e) optimizers: one recipe, one change per variant ----

    private static Experiment RecipeBase => PaperRecipe with
    {
        Model = Patch7Vit("f7-w32", width: 32, depth: 2, heads: 2),
        Data = Recipe.Data with { Batch = 128 },
        Schedule = Schedule.Warmup(20) >> Schedule.Rsqrt(timescale: 100) >> Schedule.Cooldown(40),
        Steps = 150,
    };

    /// <summary>
    /// The paper's recipe (MAP head, modified Adafactor, head/body decay 3.0/0.03) and five variants that each change
    /// one field, × up to ten seeds; 150 steps of 128 images each.
    /// </summary>
    public static Sweep FindingRecipe => Recipes(RecipeBase);

    /// <summary><see cref="FindingRecipe"/> in bf16, for CPUs with bf16 instructions.</summary>
    public static Sweep FindingRecipeBf16 => Recipes(RecipeBase with { Precision = Precision.Bf16 });

    private static Sweep Recipes(Experiment baseline) => Sweep.From(baseline) * RecipeVariants * Seeds;

    /// <summary>The variants, named by <see cref="Labels"/> as the analysis refers to them.</summary>
    private static Axis RecipeVariants => Axis.Named(Labels.Variant,
        new AxisPoint(Labels.Paper, e => e),
        new AxisPoint(Labels.UniformDecay, e => e with { WeightDecay = new WeightDecay(Head: 0.03, Body: 0.03) }),
        new AxisPoint(Labels.TokenPool, e => e with { Model = e.Model with { Pool = new Pool.Token() } }),
        new AxisPoint(Labels.GapPool, e => e with { Model = e.Model with { Pool = new Pool.Gap() } }),
        new AxisPoint(Labels.Adam, e => e with { Optimizer = new Optimizer.Adam() }),
        new AxisPoint(Labels.AdamBf16, e => e with { Optimizer = new Optimizer.Adam { FirstMoment = StateDtype.Bf16 } })
    );

    // ---- (f) schedules: cooldowns branched off one rsqrt run vs separate linear-decay runs ----

    private static Experiment ScheduleBase => RecipeBase with { Steps = 50, Schedule = Schedule.Warmup(10) >> Schedule.Rsqrt(timescale: 100) >> Schedule.Cooldown(20) };

    /// <summary>Three durations (50, 100, 200 steps of 128 images) × two schedules × up to ten seeds.</summary>
    public static Sweep FindingSchedules => Schedules(ScheduleBase);

    /// <summary><see cref="FindingSchedules"/> in bf16, for CPUs with bf16 instructions.</summary>
    public static Sweep FindingSchedulesBf16 => Schedules(ScheduleBase with { Precision = Precision.Bf16 });

    private static Sweep Schedules(Experiment baseline) => Sweep.From(baseline)
        * ScheduleKinds(warmup: 10, cooldown: 20)
        * Seeds
        * Axis.Of(Labels.Steps, (e, s) => e with { Steps = s }, 50L, 100L, 200L);

    private static Axis ScheduleKinds(long warmup, long cooldown) => Axis.Named(Labels.Schedule,
        new AxisPoint(Labels.Branched, e => e with { Schedule = Schedule.Warmup(warmup) >> Schedule.Rsqrt(timescale: 100) >> Schedule.Cooldown(cooldown) }),
        new AxisPoint(Labels.Linear, e => e with { Schedule = Schedule.Warmup(warmup) >> Schedule.Linear() })
    );

    // ---- smoke twins: the same axes on synthetic images, seconds in all ----

    private static Experiment SmokeBase => Smoke with
    {
        Loss = new Loss.Sigmoid(),
        Model = Patch7Vit("smoke7-a", width: 8, depth: 1, heads: 1),
        Schedule = Schedule.Warmup(2) >> Schedule.Rsqrt(timescale: 10) >> Schedule.Cooldown(3),
        Steps = 6,
    };

    public static Sweep SmokeFindingScale => Sweep.From(SmokeBase)
        * Axis.Of(Labels.Model, (e, m) => e with { Model = m }, Patch7Vit("smoke7-a", width: 8, depth: 1, heads: 1), Patch7Vit("smoke7-b", width: 16, depth: 1, heads: 2))
        * Axis.Of(Labels.Seed, (e, s) => e with { Data = e.Data with { Seed = s } }, 0L, 1L)
        * Axis.Of(Labels.Steps, (e, s) => e with { Steps = s }, 6L, 9L, 12L);

    public static Sweep SmokeFindingRecipe => Sweep.From(SmokeBase) * RecipeVariants * Axis.Of(Labels.Seed, (e, s) => e with { Data = e.Data with { Seed = s } }, 0L, 1L);

    public static Sweep SmokeFindingSchedules => Sweep.From(SmokeBase)
        * ScheduleKinds(warmup: 2, cooldown: 3)
        * Axis.Of(Labels.Seed, (e, s) => e with { Data = e.Data with { Seed = s } }, 0L, 1L)
        * Axis.Of(Labels.Steps, (e, s) => e with { Steps = s }, 6L, 9L);
}
