using FsCheck.Xunit;

namespace ViTDsl.Tests.Optim;

// Oracles: docs/reference.md §3, §4 and §6 (the paper's numbers) and hand-derived values.
public class OptimizerFactsTests
{
    [Fact]
    public void Beta2_is_zero_on_the_first_step_and_reaches_its_cap_at_step_5623()
    {
        var a = new Optimizer.Adafactor();
        Assert.Equal(0.0, AdafactorMath.Beta2(a, 0));
        Assert.Equal(1 - Math.Pow(2, -0.8), AdafactorMath.Beta2(a, 1), 15);   // t = 2
        Assert.Equal(1 - Math.Pow(10, -0.8), AdafactorMath.Beta2(a, 9), 15);  // t = 10: 0.84151…
        // 1 − t^(−0.8) ≥ 0.999 ⇔ t ≥ 1000^1.25 = 5623.4, so the first capped t is 5624 (step 5623).
        Assert.True(AdafactorMath.Beta2(a, 5622) < 0.999);
        Assert.Equal(0.999, AdafactorMath.Beta2(a, 5623));
        Assert.Equal(0.999, AdafactorMath.Beta2(a, 1_000_000));
    }

    [Theory]
    [InlineData(new long[] { 64, 48 }, 0, 1)]
    [InlineData(new long[] { 48, 64 }, 1, 0)]
    [InlineData(new long[] { 8, 40, 36 }, 1, 2)]
    [InlineData(new long[] { 32, 40 }, 1, 0)]
    [InlineData(new long[] { 768, 3, 16, 16 }, 0, 3)]   // B/16's patch embedding with threshold 16: of the tied 16s the later axis
    public void Factoring_uses_the_two_largest_axes(long[] shape, int largest, int second)
    {
        var axes = AdafactorMath.Factoring(new Optimizer.Adafactor { MinDimToFactor = shape.Length == 4 ? 16 : 32 }, shape);
        Assert.Equal(new FactoredAxes(largest, second), axes);
    }

    [Theory]
    [InlineData(new long[] { 48 })]
    [InlineData(new long[] { 31, 40 })]   // second-largest 31 < 32
    [InlineData(new long[] { 1, 1, 768 })]
    [InlineData(new long[] { 768, 3, 16, 16 })]
    public void Small_or_one_dimensional_tensors_keep_a_full_second_moment(long[] shape) =>
        Assert.Null(AdafactorMath.Factoring(new Optimizer.Adafactor(), shape));

    [Fact]
    public void Equal_sizes_break_ties_like_numpy_argsort() =>
        // argsort([768, 768]) = [0, 1]: axis 1 is the "largest", axis 0 the second.
        Assert.Equal(new FactoredAxes(1, 0), AdafactorMath.Factoring(new Optimizer.Adafactor(), [768, 768]));

    [Fact]
    public void State_bytes_of_one_matrix_by_hand()
    {
        long[] shape = [64, 48];
        Assert.Equal(8 * 3072, OptimizerMemory.TensorStateBytes(new Optimizer.Adam(), shape));
        Assert.Equal(6 * 3072, OptimizerMemory.TensorStateBytes(new Optimizer.Adam { FirstMoment = StateDtype.Bf16 }, shape));
        // bf16 momentum 2·3072, float32 row statistic (48) and column statistic (64).
        Assert.Equal(2 * 3072 + 4 * (48 + 64), OptimizerMemory.TensorStateBytes(new Optimizer.Adafactor(), shape));
        Assert.Equal(4 * 3072 + 4 * (48 + 64), OptimizerMemory.TensorStateBytes(new Optimizer.Adafactor { MomentumDtype = StateDtype.F32 }, shape));
        Assert.Equal(4 * (48 + 64), OptimizerMemory.TensorStateBytes(new Optimizer.Adafactor { Momentum = null }, shape));
        Assert.Equal(2 * 1240 + 4 * 1240, OptimizerMemory.TensorStateBytes(new Optimizer.Adafactor(), [31, 40]));
        Assert.Equal(2 * 3072, OptimizerMemory.TensorStateBytes(new Optimizer.Sgd(), shape));
        Assert.Equal(0, OptimizerMemory.TensorStateBytes(new Optimizer.Sgd { Momentum = 0 }, shape));
    }

    [Theory]
    [InlineData("B/16")]
    [InlineData("G/14")]
    public void Optimizer_memory_relative_to_float32_weights_matches_the_paper(string preset)
    {
        // Paper §3.4: Adam +2×, Adam with bf16 first moment +1.5×, modified Adafactor about +0.5×.
        var model = Vit.Named(preset);
        double weights = 4.0 * ParameterCount.Total(model);
        Assert.Equal(2.0, OptimizerMemory.StateBytes(new Optimizer.Adam(), model) / weights, 12);
        Assert.Equal(1.5, OptimizerMemory.StateBytes(new Optimizer.Adam { FirstMoment = StateDtype.Bf16 }, model) / weights, 12);
        var adafactor = OptimizerMemory.StateBytes(new Optimizer.Adafactor(), model) / weights;
        Assert.InRange(adafactor, 0.5, 0.52);
    }

    [Fact]
    public void The_plan_reports_optimizer_state_bytes()
    {
        var experiment = new Experiment(Vit.Ti(16));
        Assert.Equal(OptimizerMemory.StateBytes(new Optimizer.Adafactor(), Vit.Ti(16)), PlanFacts.Of(experiment).OptimizerStateBytes);
        var adam = PlanFacts.Of(experiment with { Optimizer = new Optimizer.Adam() }).OptimizerStateBytes;
        Assert.Equal(8 * ParameterCount.Total(Vit.Ti(16)), adam);
    }

    [Fact]
    public void Experiment_defaults_are_the_papers_recipe()
    {
        // docs/reference.md §6: modified Adafactor (bf16 momentum 0.9, β2 cap 0.999, decay 0.8, factor ≥ 32, eps 1e-30,
        // no update clipping), grad clip 1.0, lr 8e-4, weight decay 0.03·lr body and 3.0·lr head.
        var e = new Experiment(Vit.g(14));
        var a = Assert.IsType<Optimizer.Adafactor>(e.Optimizer);
        Assert.Equal((0.9, StateDtype.Bf16, 0.999, 0.8, 32, 1e-30, (double?)null),
            (a.Momentum!.Value, a.MomentumDtype, a.Beta2Cap, a.DecayRate, a.MinDimToFactor, a.Epsilon, a.ClipThreshold));
        Assert.Equal(1.0, e.GradientClipNorm);
        Assert.Equal(8e-4, e.LearningRate);
        Assert.Equal(new WeightDecay(3.0, 0.03), e.WeightDecay);
        Assert.Equal(3.0 * 8e-4, e.WeightDecay.Coefficient(ParameterGroup.HeadKernel, e.LearningRate), tolerance: 1e-18);
        Assert.Equal(0.03 * 8e-4, e.WeightDecay.Coefficient(ParameterGroup.BodyKernel, e.LearningRate), tolerance: 1e-18);
        Assert.Equal(0.0, e.WeightDecay.Coefficient(ParameterGroup.NoDecay, e.LearningRate));
        Assert.Empty(OptimizerRules.Check(e));
        var adam = new Optimizer.Adam();
        Assert.Equal((0.9, 0.999, 1e-8, StateDtype.F32), (adam.Beta1, adam.Beta2, adam.Epsilon, adam.FirstMoment));
    }

    [Theory]
    [InlineData("head.weight", 2, ParameterGroup.HeadKernel)]
    [InlineData("head.bias", 1, ParameterGroup.NoDecay)]
    [InlineData("preLogits.weight", 2, ParameterGroup.BodyKernel)]
    [InlineData("stem.projection.weight", 4, ParameterGroup.BodyKernel)]
    [InlineData("blocks.0.attention.query.weight", 2, ParameterGroup.BodyKernel)]
    [InlineData("blocks.0.norm1.weight", 1, ParameterGroup.NoDecay)]
    [InlineData("pool.mlp.expand.weight", 2, ParameterGroup.BodyKernel)]
    [InlineData("pool.attention.key.weight", 2, ParameterGroup.BodyKernel)]
    [InlineData("pool.probe", 3, ParameterGroup.NoDecay)]
    [InlineData("position", 3, ParameterGroup.NoDecay)]
    [InlineData("cls", 3, ParameterGroup.NoDecay)]
    [InlineData("norm.weight", 1, ParameterGroup.NoDecay)]
    public void Only_kernels_decay_and_the_classifier_kernel_is_the_head(string name, int rank, ParameterGroup group) =>
        Assert.Equal(group, DecayRule.GroupOf(name, rank));

    [Fact]
    public void Invalid_settings_name_the_field_and_the_fix()
    {
        var e = new Experiment(Vit.Ti(16))
        {
            LearningRate = -1, GradientClipNorm = 0, WeightDecay = new WeightDecay(-3, 0.03),
            Optimizer = new Optimizer.Adam { Beta1 = 1.0 },
        };
        var problems = OptimizerRules.Check(e);
        Assert.Equal(["VIT301", "VIT302", "VIT304", "VIT305"], problems.Select(p => p.Id).Order());
        Assert.Contains(problems, p => p.Member == "LearningRate" && p.Message.Contains("8e-4"));
        Assert.Contains(problems, p => p.Member == "Optimizer" && p.Message.Contains("Beta1") && p.Message.Contains("[0, 1)"));
        var adafactor = OptimizerRules.Check(e with { Optimizer = new Optimizer.Adafactor { MinDimToFactor = 0, Momentum = 1.5 }, LearningRate = 1, GradientClipNorm = null, WeightDecay = WeightDecay.None() });
        Assert.Equal(["VIT306", "VIT307"], adafactor.Select(p => p.Id).Order());
    }

    [Property(MaxTest = 300)]
    public bool Parameter_shapes_sum_to_the_parameter_count(byte patch, byte heads, byte headWidth, byte depth, byte mlp, byte grid, byte pool, byte preLogits, ushort classes)
    {
        var m = RandomVits.Make(patch, heads, headWidth, depth, mlp, grid, pool, preLogits, classes);
        return ParameterShapes.Of(m).Sum(s => s.Elements) == ParameterCount.Total(m);
    }

    [Property(MaxTest = 300)]
    public bool Decay_groups_partition_the_parameters_with_one_head_kernel(byte patch, byte heads, byte headWidth, byte depth, byte mlp, byte grid, byte pool, byte preLogits, ushort classes)
    {
        var shapes = ParameterShapes.Of(RandomVits.Make(patch, heads, headWidth, depth, mlp, grid, pool, preLogits, classes));
        var names = shapes.Select(s => s.Name).ToList();
        var heads1 = shapes.Where(s => s.Group == ParameterGroup.HeadKernel).Select(s => s.Name).ToList();
        var decaying = shapes.Where(s => s.Group != ParameterGroup.NoDecay);
        return names.Distinct().Count() == names.Count
            && heads1.SequenceEqual(["head.weight"])
            && decaying.All(s => s.Rank >= 2 && s.Name.EndsWith(".weight"))
            && shapes.Where(s => s.Group == ParameterGroup.NoDecay).All(s => s.Rank == 1 || !s.Name.EndsWith(".weight"));
    }
}

/// <summary>Valid <see cref="Vit"/> shapes from a handful of random bytes (small, so modules build fast).</summary>
internal static class RandomVits
{
    public static Vit Make(byte patch, byte heads, byte headWidth, byte depth, byte mlp, byte grid, byte pool, byte preLogits, ushort classes)
    {
        int p = 1 + patch % 8, h = 1 + heads % 4, g = 1 + grid % 5;
        return new Vit(p, h * (1 + headWidth % 16), 1 + depth % 3, 1 + mlp % 96, h)
        {
            Image = p * g,
            Channels = 1 + patch % 3,
            Pool = (pool % 3) switch { 0 => new Pool.Token(), 1 => new Pool.Gap(), _ => new Pool.Map() },
            PreLogits = preLogits % 3 == 0 ? 1 + preLogits % 40 : null,
            Classifier = new Classifier(1 + classes % 1000),
        };
    }
}
