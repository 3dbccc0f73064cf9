using ViTDsl.Runtime.Models;
using FsCheck.Xunit;
using TorchSharp.Modules;
using ViTDsl.Runtime.Optim;
using static TorchSharp.torch;

namespace ViTDsl.Tests.Optim;

// The bytes each runtime optimizer really allocates equal the Dsl's formula, tensor by tensor and for whole models.
public class StateBytesTests
{
    private static readonly Optimizer[] Optimizers =
    [
        new Optimizer.Adam(), new Optimizer.Adam { FirstMoment = StateDtype.Bf16 }, new Optimizer.Adafactor(),
        new Optimizer.Adafactor { MomentumDtype = StateDtype.F32 }, new Optimizer.Adafactor { Momentum = null },
        new Optimizer.Adafactor { MinDimToFactor = 4 }, new Optimizer.Sgd(), new Optimizer.Sgd { Momentum = 0 },
    ];

    [Property(MaxTest = 300)]
    public bool Measured_state_bytes_equal_the_formula_for_random_shapes(byte which, byte rank, int seed)
    {
        var random = new Random(seed);
        var shape = Enumerable.Range(0, 1 + rank % 4).Select(_ => (long)random.Next(1, 80)).ToArray();
        var optimizer = Optimizers[which % Optimizers.Length];
        // The meta device allocates nothing, yet the state tensors have their real dtypes and shapes.
        using var parameter = zeros(shape, device: device("meta"));
        using var rule = UpdateRule.For(optimizer, parameter);
        return rule.StateBytes == OptimizerMemory.TensorStateBytes(optimizer, shape);
    }

    [Property(MaxTest = 40)]
    public bool Whole_model_state_bytes_equal_the_formula_with_head_widths_both_sides_of_32(byte which, byte heads, byte headWidth, byte depth, byte mlp, byte pool)
    {
        // Head widths 8…71: q/k/v kernels (D, h, D/h) are factored per head from 32 on and keep a full second moment below.
        var h = 1 + heads % 4;
        var m = new Vit(Patch: 4, Width: h * (8 + headWidth % 64), Depth: 1 + depth % 2, Mlp: 16 + mlp % 80, Heads: h)
        {
            Image = 8, Channels = 3, Pool = (pool % 3) switch { 0 => new Pool.Token(), 1 => new Pool.Gap(), _ => new Pool.Map() },
            Classifier = new Classifier(10),
        };
        var optimizer = Optimizers[which % Optimizers.Length];
        using var module = new AssembledVit(m, device("meta"));
        using var chain = new OptimizerChain(ParameterGroups.Of(module, m), optimizer, 1e-3, 0, 0, null);
        return chain.StateBytes == OptimizerMemory.StateBytes(optimizer, m);
    }

    [Theory]
    [InlineData(0, 8.0)]
    [InlineData(1, 6.0)]
    [InlineData(6, 2.0)]
    public void Bytes_per_parameter_are_8_for_Adam_6_with_bf16_momentum_and_2_for_sgd(int which, double perParameter)
    {
        var m = Vit.S(16) with { Classifier = new Classifier(10) };
        using var module = new AssembledVit(m, device("meta"));
        using var chain = new OptimizerChain(ParameterGroups.Of(module, m), Optimizers[which], 1e-3, 0, 0, null);
        Assert.Equal(perParameter * ParameterCount.Total(m), chain.StateBytes);
    }

    [Fact]
    public void Adafactor_keeps_2_bytes_per_parameter_plus_its_factored_statistics()
    {
        var m = Vit.S(16) with { Classifier = new Classifier(10) };
        using var module = new AssembledVit(m, device("meta"));
        using var chain = new OptimizerChain(ParameterGroups.Of(module, m), new Optimizer.Adafactor(), 1e-3, 0, 0, null);
        Assert.Equal(OptimizerMemory.StateBytes(new Optimizer.Adafactor(), m), chain.StateBytes);
        var statistics = chain.StateBytes - 2 * ParameterCount.Total(m);
        // Statistics: full float32 second moments for vectors and small tensors, row + column for the big matrices.
        var expectedStatistics = ParameterShapes.Of(m).Sum(s => 4 * (AdafactorMath.Factoring(new Optimizer.Adafactor(), s.BigVisionDims) is { } a
            ? s.Elements / s.BigVisionDims[a.Largest] + s.Elements / s.BigVisionDims[a.SecondLargest] : s.Elements));
        Assert.Equal(expectedStatistics, statistics);
        Assert.InRange(statistics / (double)ParameterCount.Total(m), 0.0, 0.1);
    }
}
