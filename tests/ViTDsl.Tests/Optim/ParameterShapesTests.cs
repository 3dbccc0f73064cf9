using ViTDsl.Runtime.Models;
using FsCheck.Xunit;
using ViTDsl.Runtime.Optim;
using static TorchSharp.torch;

namespace ViTDsl.Tests.Optim;

// Oracle: TorchSharp's own named_parameters() of a model assembled from the Runtime layers with the generator's
// field layout, built on the meta device (shapes without memory).
public class ParameterShapesTests
{
    [Property(MaxTest = 40)]
    public void Names_and_shapes_equal_those_of_a_module_built_from_the_runtime_layers(byte patch, byte heads, byte headWidth, byte depth, byte mlp, byte grid, byte pool, byte preLogits, ushort classes)
    {
        var m = RandomVits.Make(patch, heads, headWidth, depth, mlp, grid, pool, preLogits, classes);
        using var module = new AssembledVit(m, device("meta"));
        var actual = module.named_parameters().Select(p => $"{p.name} [{string.Join(", ", p.parameter.shape)}]").Order();
        var expected = ParameterShapes.Of(m).Select(s => s.ToString()).Order();
        Assert.Equal(expected, actual);
    }

    [Theory]
    [InlineData("B/16")]
    [InlineData("G/14")]
    public void Paper_sizes_agree_on_the_meta_device(string preset)
    {
        foreach (Pool pool in new Pool[] { new Pool.Token(), new Pool.Gap(), new Pool.Map() })
        {
            var m = Vit.Named(preset) with { Pool = pool, PreLogits = pool is Pool.Token ? 768 : null };
            using var module = new AssembledVit(m, device("meta"));
            var actual = module.named_parameters().ToDictionary(p => p.name, p => p.parameter.shape);
            var expected = ParameterShapes.Of(m);
            Assert.Equal(expected.Count, actual.Count);
            foreach (var s in expected) Assert.Equal(s.Dims, actual[s.Name]);
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    public void Runtime_groups_partition_the_module_and_match_the_dsl_groups(int poolIndex)
    {
        var m = Vit.Mu(4) with { Image = 16, Pool = poolIndex switch { 0 => new Pool.Token(), 1 => new Pool.Gap(), _ => new Pool.Map() }, PreLogits = 8, Classifier = new Classifier(5) };
        using var module = new AssembledVit(m, device("meta"));
        var groups = ParameterGroups.Of(module);
        var all = module.named_parameters().Select(p => p.name).ToList();
        var union = groups.HeadKernel.Concat(groups.BodyKernels).Concat(groups.NoDecay).Select(p => p.Name).ToList();
        Assert.Equal(all.Order(), union.Order());                // covers every parameter…
        Assert.Equal(union.Count, union.Distinct().Count());      // …exactly once
        Assert.Equal(["head.weight"], groups.HeadKernel.Select(p => p.Name));
        Assert.Contains(groups.BodyKernels, p => p.Name == "preLogits.weight");
        Assert.Contains(groups.BodyKernels, p => p.Name == "stem.projection.weight");
        Assert.Contains(groups.NoDecay, p => p.Name == "position");
        Assert.DoesNotContain(groups.BodyKernels.Concat(groups.HeadKernel), p => p.Name.EndsWith("bias") || p.Name.Contains("norm"));
        if (m.Pool is Pool.Map)
        {
            Assert.Contains(groups.NoDecay, p => p.Name == "pool.probe");
            Assert.Contains(groups.BodyKernels, p => p.Name == "pool.attention.query.weight");
        }
        if (m.Pool is Pool.Token) Assert.Contains(groups.NoDecay, p => p.Name == "cls");
        var dslGroups = ParameterShapes.Of(m).ToDictionary(s => s.Name, s => s.Group);
        Assert.All(groups.All, p => Assert.Equal(dslGroups[p.Name], p.Group));
    }
}
