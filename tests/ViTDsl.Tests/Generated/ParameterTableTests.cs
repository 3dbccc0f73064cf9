using ViTDsl.Experiments.Fashion;
using ViTDsl.Experiments.Paper;
using ViTDsl.Runtime.Optim;
using static TorchSharp.torch;

namespace ViTDsl.Tests.Generated;

// The parameter table a plan prints (decay group, decay, optimizer state, big_vision name per tensor) against what the
// runtime derives from a real module and its optimizer, and against big_vision's names and the paper's decay split.
public class ParameterTableTests
{
    public static TheoryData<string> Names => new(ExperimentCatalogAccess.All.Select(e => e.Name));

    [Theory, MemberData(nameof(Names))]
    public void The_printed_table_is_the_Dsl_table_of_the_declaration(string name)
    {
        var experiment = ExperimentCatalogAccess.All.Single(e => e.Name == name);
        Assert.NotNull(experiment.PlannedParameters);
        Assert.Equal(ParameterTable.Of(experiment.Declaration), experiment.PlannedParameters);
        Assert.Same(experiment.PlannedParameters, experiment.Parameters);
    }

    public static TheoryData<string> Optimizers => new() { "adafactor", "adam-bf16", "sgd" };

    [Theory, MemberData(nameof(Optimizers))]
    public void The_table_equals_what_the_runtime_derives_from_the_module_and_its_optimizer(string optimizer)
    {
        var entry = FashionMnist.QuickstartPlan.Entry;
        Optimizer chosen = optimizer switch
        {
            "adafactor" => new Optimizer.Adafactor(),
            "adam-bf16" => new Optimizer.Adam { FirstMoment = StateDtype.Bf16 },
            _ => new Optimizer.Sgd { Momentum = 0.9 },
        };
        var variant = entry with { Declaration = entry.Declaration with { Optimizer = chosen } };
        var table = variant.Parameters;
        using var module = variant.CreateModel(device("meta"));
        // The runtime's own reading of the module: names and ranks from named_parameters, the decay rule on the names,
        // the optimizer's real state tensors.
        using var chain = new OptimizerChain(ParameterGroups.Of(module), chosen, 1e-3, 0, 0, null);
        var modules = module.named_parameters().ToList();
        Assert.Equal(modules.Select(p => p.name).Order(), table.Rows.Select(r => r.Name).Order());
        var rows = table.Rows.ToDictionary(r => r.Name);
        for (var i = 0; i < modules.Count; i++)
        {
            var (name, parameter) = modules[i];
            var row = rows[name];
            Assert.Equal(parameter.shape, row.Dims.ToArray());
            Assert.Equal(DecayRule.GroupOf(name, (int)parameter.dim()), row.Group);
            Assert.Equal(variant.Declaration.WeightDecay.Coefficient(row.Group, 1.0), row.Decay);
        }
        // State bytes: the rules built on the table's layouts hold exactly the bytes the table says.
        using var planned = OptimizerChain.For(variant.Declaration, module, table);
        Assert.Equal(planned.Rules.Select(r => r.StateBytes), ParameterGroups.Of(module, table).All.Select(p => rows[p.Name].State.Bytes));
        Assert.Equal(table.Rows.Sum(r => r.State.Bytes), planned.StateBytes);
    }

    [Fact]
    public void The_decay_split_and_names_are_big_vision_s()
    {
        var table = Table2.Vit_B16Plan.Parameters; // 12 blocks of width 768, 12 heads: q/k/v kernels (768, 12, 64)
        var rows = table.Rows.ToDictionary(r => r.Name);
        // Paper §3.1: head 3.0 × lr, body 0.03 × lr (big_vision: wd 0.03·lr, ×100 on head/kernel); biases, norms,
        // position embedding do not decay.
        Assert.Equal((ParameterGroup.HeadKernel, 3.0), (rows["head.weight"].Group, rows["head.weight"].Decay));
        Assert.Equal((ParameterGroup.BodyKernel, 0.03), (rows["blocks.0.mlp.expand.weight"].Group, rows["blocks.0.mlp.expand.weight"].Decay));
        Assert.Equal((ParameterGroup.NoDecay, 0.0), (rows["blocks.11.norm2.weight"].Group, rows["blocks.11.norm2.weight"].Decay));
        Assert.Equal((ParameterGroup.NoDecay, 0.0), (rows["position"].Group, rows["position"].Decay));
        // big_vision's models/vit.py names (non-scan layout).
        var expected = new Dictionary<string, string>
        {
            ["stem.projection.weight"] = "embedding/kernel",
            ["stem.projection.bias"] = "embedding/bias",
            ["position"] = "pos_embedding",
            ["blocks.0.norm1.weight"] = "Transformer/encoderblock_0/LayerNorm_0/scale",
            ["blocks.3.attention.query.weight"] = "Transformer/encoderblock_3/MultiHeadDotProductAttention_0/query/kernel",
            ["blocks.3.attention.output.bias"] = "Transformer/encoderblock_3/MultiHeadDotProductAttention_0/out/bias",
            ["blocks.11.mlp.contract.weight"] = "Transformer/encoderblock_11/MlpBlock_0/Dense_1/kernel",
            ["norm.bias"] = "Transformer/encoder_norm/bias",
            ["head.weight"] = "head/kernel",
        };
        Assert.All(expected, e => Assert.Equal(e.Value, rows[e.Key].BigVisionName));
        // Adafactor factors a q/k/v kernel (768, 12, 64) per head over its two largest axes, 768 and 64.
        Assert.Equal(new FactoredAxes(0, 2), rows["blocks.0.attention.key.weight"].State.FactoredOver);
        Assert.Equal(StateDtype.Bf16, rows["blocks.0.attention.key.weight"].State.Momentum);
    }

    [Fact]
    public void A_MAP_head_is_named_as_big_vision_s_MAPHead()
    {
        var rows = ParameterTable.Of(new Experiment(Vit.S(16) with { Pool = new Pool.Map(), PreLogits = 384 })).Rows.ToDictionary(r => r.Name, r => r.BigVisionName);
        Assert.Equal("MAPHead_0/probe", rows["pool.probe"]);
        Assert.Equal("MAPHead_0/MultiHeadDotProductAttention_0/key/kernel", rows["pool.attention.key.weight"]);
        Assert.Equal("MAPHead_0/LayerNorm_0/scale", rows["pool.norm.weight"]);
        Assert.Equal("MAPHead_0/MlpBlock_0/Dense_0/bias", rows["pool.mlp.expand.bias"]);
        Assert.Equal("pre_logits/kernel", rows["preLogits.weight"]);
    }
}
