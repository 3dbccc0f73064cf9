using ViTDsl.Runtime.Models;
using ViTDsl.Runtime.Optim;
using static TorchSharp.torch;

namespace ViTDsl.Tests.Optim;

// Oracle: docs/reference.md §2 (big_vision's parameter shapes) and §4 (optax factors when the second-largest dim ≥ 32),
// with the byte counts derived by hand.
public class BigVisionLayoutTests
{
    [Fact]
    public void B16_parameters_have_big_visions_shapes()
    {
        var m = Vit.B(16) with { Pool = new Pool.Map(), Classifier = new Classifier(1000) };
        var shapes = ParameterShapes.Of(m).ToDictionary(s => s.Name, s => s.BigVisionDims.ToArray());
        Assert.Equal([16L, 16, 3, 768], shapes["stem.projection.weight"]);
        Assert.Equal([1L, 196, 768], shapes["position"]);
        Assert.Equal([768L, 12, 64], shapes["blocks.0.attention.query.weight"]);
        Assert.Equal([768L, 12, 64], shapes["blocks.3.attention.value.weight"]);
        Assert.Equal([12L, 64], shapes["blocks.0.attention.key.bias"]);
        Assert.Equal([12L, 64, 768], shapes["blocks.0.attention.output.weight"]);
        Assert.Equal([768L], shapes["blocks.0.attention.output.bias"]);
        Assert.Equal([768L, 3072], shapes["blocks.0.mlp.expand.weight"]);
        Assert.Equal([3072L, 768], shapes["blocks.0.mlp.contract.weight"]);
        Assert.Equal([768L], shapes["blocks.0.norm1.weight"]);
        Assert.Equal([1L, 1, 768], shapes["pool.probe"]);
        Assert.Equal([768L, 12, 64], shapes["pool.attention.key.weight"]);
        Assert.Equal([768L, 1000], shapes["head.weight"]);
        Assert.Equal([1000L], shapes["head.bias"]);
    }

    [Fact]
    public void Attention_kernels_are_factored_per_head_only_from_head_width_32()
    {
        var adafactor = new Optimizer.Adafactor();
        // Head width 16 (every Fashion model): (64, 4, 16) has second-largest dim 16, so a full float32 second moment.
        Assert.Null(AdafactorMath.Factoring(adafactor, ParameterLayout.HeadsOutKernel(64, 4).BigVision));
        Assert.Equal(64 * 64 * (2 + 4), OptimizerMemory.TensorStateBytes(adafactor, ParameterLayout.HeadsOutKernel(64, 4).BigVision));
        // Head width 64 (B/16): (768, 12, 64) is factored over 768 and 64: statistics 12·64 and 768·12 per tensor.
        var query = ParameterLayout.HeadsOutKernel(768, 12).BigVision;
        Assert.Equal(new FactoredAxes(0, 2), AdafactorMath.Factoring(adafactor, query));
        Assert.Equal(2 * 768 * 768 + 4 * (12 * 64 + 768 * 12), OptimizerMemory.TensorStateBytes(adafactor, query));
        // The output kernel (12, 64, 768) likewise.
        var output = ParameterLayout.HeadsInKernel(768, 12).BigVision;
        Assert.Equal(new FactoredAxes(2, 1), AdafactorMath.Factoring(adafactor, output));
    }

    [Fact]
    public void The_runtime_keeps_adafactor_state_in_big_visions_shape()
    {
        var m = new Vit(Patch: 4, Width: 64, Depth: 1, Mlp: 128, Heads: 4) { Image = 8, Channels = 1, Classifier = new Classifier(10) };
        using var module = new AssembledVit(m, device("meta"));
        using var chain = new OptimizerChain(ParameterGroups.Of(module, m), new Optimizer.Adafactor(), 1e-3, 0, 0, null);
        var state = chain.StateDict();
        Assert.Equal([64L, 4, 16], state["blocks.0.attention.query.weight:v"].shape);           // unfactored, head width 16
        Assert.Equal([64L, 4, 16], state["blocks.0.attention.query.weight:momentum"].shape);
        Assert.Equal([4L, 16, 64], state["blocks.0.attention.output.weight:v"].shape);
        Assert.Equal([4L, 16], state["blocks.0.attention.key.bias:v"].shape);
        // The MLP kernel (64, 128): the row statistic averages over the largest axis (128), the column one over 64.
        Assert.Equal([64L], state["blocks.0.mlp.expand.weight:v_row"].shape);
        Assert.Equal([128L], state["blocks.0.mlp.expand.weight:v_col"].shape);
        Assert.Equal([4L, 4, 1, 64], state["stem.projection.weight:v"].shape);
        foreach (var t in state.Values) t.Dispose();
    }
}
