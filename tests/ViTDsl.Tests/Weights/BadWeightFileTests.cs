using System.Buffers.Binary;
using System.Text;
using ViTDsl.Runtime.Weights;
using ViTDsl.Tests.Fuzz;
using ViTDsl.Tests.Store;
using static TorchSharp.torch;

namespace ViTDsl.Tests.Weights;

/// <summary>Each kind of bad weight file is refused with one line naming the tensor, expected and found; nothing is half-loaded.</summary>
public sealed class BadWeightFileTests : IDisposable
{
    private readonly TempFolder dir = new();

    public void Dispose() => dir.Dispose();

    private static readonly Runtime.Models.GeneratedExperiment Gap = PoolShapes.Smallest("Gap");

    /// <summary>A safetensors file with a hand-written header over <paramref name="dataBytes"/> bytes of data.</summary>
    private string Raw(string header, int dataBytes, long? claimedLength = null)
    {
        var path = dir.File("raw.safetensors");
        var text = Encoding.UTF8.GetBytes(header);
        var length = new byte[8];
        BinaryPrimitives.WriteInt64LittleEndian(length, claimedLength ?? text.Length);
        File.WriteAllBytes(path, [.. length, .. text, .. new byte[dataBytes]]);
        return path;
    }

    private static string Refusal(string path) => Assert.Throws<InvalidDataException>(() => SafeTensorsFile.Read(path).Dispose()).Message;

    [Fact]
    public void A_header_length_beyond_the_file_is_refused()
    {
        var message = Refusal(Raw("{}", 0, claimedLength: 1 << 20));
        Assert.Contains("claims a 1048576-byte header but 2 bytes follow", message);
    }

    [Fact]
    public void A_truncated_file_is_refused_naming_the_tensor_that_runs_past_its_end()
    {
        var message = Refusal(Raw("""{"w":{"dtype":"F32","shape":[2,3],"data_offsets":[0,24]}}""", 20));
        Assert.Contains("tensor 'w' at bytes 0–24 of the data, which holds 20 bytes", message);
    }

    [Fact]
    public void Offsets_that_disagree_with_the_shape_or_overlap_or_leave_gaps_are_refused()
    {
        Assert.Contains("gives tensor 'w' (F32 [2, 3]) 20 bytes of data; that shape needs 24",
            Refusal(Raw("""{"w":{"dtype":"F32","shape":[2,3],"data_offsets":[0,20]}}""", 20)));
        Assert.Contains("overlapping",
            Refusal(Raw("""{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}""", 12)));
        Assert.Contains("leaves bytes 0–4 of the data unused before tensor 'a'",
            Refusal(Raw("""{"a":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}""", 12)));
        Assert.Contains("4 bytes after its last tensor", Refusal(Raw("""{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}""", 12)));
        Assert.Contains("unknown dtype 'F31'", Refusal(Raw("""{"a":{"dtype":"F31","shape":[2],"data_offsets":[0,8]}}""", 8)));
        Assert.Contains("not valid JSON", Refusal(Raw("""{"a":{"dtype":"F32",""", 8)));
    }

    [Fact]
    public void A_pickle_is_refused_without_being_read_with_the_way_to_convert_it()
    {
        var path = dir.File("model.pth");
        File.WriteAllBytes(path, [0x80, 0x02, (byte)'c', (byte)'o']);
        var message = Assert.Throws<InvalidDataException>(() => WeightFiles.Read(path)).Message;
        Assert.Contains("never unpickles", message);
        Assert.Contains("save_file(torch.load(", message);
        Assert.Contains("model.safetensors", message);
    }

    [Fact]
    public void A_missing_an_extra_a_misshapen_or_an_integer_tensor_is_named_with_expected_and_found()
    {
        using var model = Gap.CreateModel(null);
        var path = dir.File("model.safetensors");
        var native = model.named_parameters().Select(p => KeyValuePair.Create(p.name, (Tensor)p.parameter)).ToList();

        Assert.Contains("has no tensor 'head.bias'", LoadError(model, path, native.Where(p => p.Key != "head.bias")));
        Assert.Contains("has tensor 'extra' [2]", LoadError(model, path, [.. native, KeyValuePair.Create("extra", zeros(2))]));
        var width = Gap.Declaration.Model.Width;
        var misshapen = native.Select(p => p.Key == "norm.weight" ? KeyValuePair.Create(p.Key, zeros(width + 1)) : p);
        Assert.Contains($"tensor 'norm.weight' is [{width + 1}] but a {Gap.Declaration.Model.Variant} model needs [{width}]", LoadError(model, path, misshapen));
        var integers = native.Select(p => p.Key == "norm.bias" ? KeyValuePair.Create(p.Key, zeros(width, dtype: int64)) : p);
        Assert.Contains("tensor 'norm.bias' holds Int64 numbers", LoadError(model, path, integers));
        Assert.Contains("tensors a " + Gap.Declaration.Model.Variant + " model has with timm names", Assert.Throws<InvalidDataException>(() =>
        {
            using var file = WeightFiles.Read(path);
            ForeignWeights.Load(model, file, WeightNames.Timm);
        }).Message);
    }

    [Fact]
    public void A_file_that_fails_on_its_last_tensor_changes_no_parameter()
    {
        using var model = Gap.CreateModel(null);
        TorchOracle.Randomize(model);
        var before = model.named_parameters().ToDictionary(p => p.name, p => p.parameter.clone());
        using var other = Gap.CreateModel(null);
        TorchOracle.Randomize(other, seed: 99);
        var path = dir.File("model.safetensors");
        // Every tensor right but the classifier's bias, which comes last in the model and is the wrong size.
        var tensors = other.named_parameters().Select(p => KeyValuePair.Create(p.name, p.name == "head.bias" ? zeros(1) : (Tensor)p.parameter));
        Assert.Contains("head.bias", LoadError(model, path, tensors));
        // The same through the loader that reads one tensor at a time: the header is checked before the first copy.
        Assert.Contains("head.bias", Assert.Throws<InvalidDataException>(() => ForeignWeights.Load(model, path, WeightNames.ViTDsl)).Message);
        foreach (var (name, parameter) in model.named_parameters())
            Assert.True(parameter.eq(before[name]).all().item<bool>(), $"{name} was loaded from a refused file");
    }

    [Fact]
    public void The_command_line_reports_a_bad_file_in_one_line_and_exits_1()
    {
        var path = Raw("""{"w":{"dtype":"F32","shape":[2,3],"data_offsets":[0,24]}}""", 20);
        var (code, error) = Cli.CliFailureTests.Run(["inspect", path]);
        Assert.Equal(1, code);
        Assert.Contains("tensor 'w' at bytes 0–24", Assert.Single(error));
        var (evaluateCode, evaluateError) = Cli.CliFailureTests.Run(["evaluate", Gap.Name, "--weights", path]);
        Assert.Equal(1, evaluateCode);
        Assert.Contains("tensor 'w'", Assert.Single(evaluateError));
    }

    private static string LoadError(Runtime.Models.VitModule model, string path, IEnumerable<KeyValuePair<string, Tensor>> tensors)
    {
        SafeTensorsFile.Write(path, tensors);
        using var file = WeightFiles.Read(path);
        return Assert.Throws<InvalidDataException>(() => ForeignWeights.Load(model, file, WeightNames.ViTDsl)).Message;
    }
}
