using System.Text.Json.Nodes;
using TorchSharp;
using ViTDsl.Runtime.Weights;
using ViTDsl.Tests.Store;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace ViTDsl.Tests.Weights;

/// <summary>
/// Weights cross to PyTorch and back with the same logits (float64, ≤ 1e-10 relative): a ViT written independently in
/// PyTorch with timm's parameter names (reference_vit.py) reads ViTDsl's exports, and ViTDsl reads its weights (timm
/// safetensors, big_vision npz written by numpy).
/// </summary>
public sealed class PyTorchInteropTests(ITestOutputHelper output) : IDisposable
{
    private const double Tolerance = 1e-10;
    private readonly TempFolder dir = new();

    public void Dispose() => dir.Dispose();

    [Theory, MemberData(nameof(PoolShapes.Pools), MemberType = typeof(PoolShapes))]
    public void PyTorch_reads_an_export_with_timm_names_and_computes_the_same_logits(string pool) =>
        ExportedLogitsMatch(pool, WeightNames.Timm);

    [Theory, MemberData(nameof(PoolShapes.Pools), MemberType = typeof(PoolShapes))]
    public void PyTorch_reads_an_export_with_big_vision_names_and_layouts_and_computes_the_same_logits(string pool) =>
        ExportedLogitsMatch(pool, WeightNames.BigVision);

    [Theory, MemberData(nameof(PoolShapes.Pools), MemberType = typeof(PoolShapes))]
    public void Numpy_reads_an_npz_export_with_big_vision_names_and_PyTorch_computes_the_same_logits(string pool) =>
        ExportedLogitsMatch(pool, WeightNames.BigVision, "export.npz");

    [Theory, MemberData(nameof(PoolShapes.Pools), MemberType = typeof(PoolShapes))]
    public void PyTorch_weights_saved_as_timm_safetensors_load_into_the_declaration_with_the_same_logits(string pool) =>
        ForeignLogitsMatch(pool, WeightNames.Timm, "weights.safetensors");

    [Theory, MemberData(nameof(PoolShapes.Pools), MemberType = typeof(PoolShapes))]
    public void Big_vision_weights_saved_by_numpy_as_npz_load_into_the_declaration_with_the_same_logits(string pool) =>
        ForeignLogitsMatch(pool, WeightNames.BigVision, "weights.npz");

    private void ExportedLogitsMatch(string pool, WeightNames names, string file = "export.safetensors")
    {
        var experiment = PoolShapes.Smallest(pool);
        var shape = experiment.Declaration.Model;
        using var model = experiment.CreateModel(null);
        TorchOracle.Randomize(model);
        ForeignWeights.Export(model, names, dir.File(file));
        using var images = TorchOracle.Images(shape, dir.File("images.safetensors"));
        TorchOracle.Run(Job("logits", shape, names, dir.File(file)));

        model.to(float64);
        using var logits = model.forward(images);
        using var theirs = SafeTensorsFile.Read(dir.File("logits.safetensors"));
        var difference = TorchOracle.RelativeDifference(logits, theirs.Tensors["logits"]);
        output.WriteLine($"{experiment.Name} ({pool}) exported as {file} with {names} names: PyTorch's logits differ by {difference:E2} (relative)");
        Assert.True(difference <= Tolerance, $"relative difference {difference:E2}");
    }

    private void ForeignLogitsMatch(string pool, WeightNames names, string file)
    {
        var experiment = PoolShapes.Smallest(pool);
        var shape = experiment.Declaration.Model;
        using var images = TorchOracle.Images(shape, dir.File("images.safetensors"));
        TorchOracle.Run(Job("random", shape, names, dir.File(file)));

        using var model = experiment.CreateModel(null);
        model.to(float64); // the file holds float64: load it without rounding
        ForeignWeights.Load(model, dir.File(file), names); // safetensors: one tensor at a time; npz: the whole file
        using var logits = model.forward(images);
        using var theirs = SafeTensorsFile.Read(dir.File("logits.safetensors"));
        var difference = TorchOracle.RelativeDifference(logits, theirs.Tensors["logits"]);
        output.WriteLine($"{experiment.Name} ({pool}) from PyTorch's {file} with {names} names: logits differ by {difference:E2} (relative)");
        Assert.True(difference <= Tolerance, $"relative difference {difference:E2}");
    }

    private JsonObject Job(string mode, Vit shape, WeightNames names, string weights) => new()
    {
        ["mode"] = mode, ["config"] = TorchOracle.Config(shape), ["names"] = names == WeightNames.Timm ? "timm" : "big_vision",
        ["weights"] = weights, ["images"] = dir.File("images.safetensors"), ["logits"] = dir.File("logits.safetensors"), ["seed"] = 3,
    };
}
