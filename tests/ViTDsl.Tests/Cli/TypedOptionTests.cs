using System.CommandLine;
using ViTDsl.Cli;
using ViTDsl.Experiments.Tools;
using ViTDsl.Runtime.Analysis;
using ViTDsl.Runtime.Models;
using ViTDsl.Runtime.Probe;

namespace ViTDsl.Tests.Cli;

// Every enumerated or structured option is a typed option: through the real command tree (CliApp.Root, what
// Vitdsl.Run parses with) each valid value parses to its value, and an invalid one is a usage error (exit 2) whose one
// line lists the valid values, before any command runs.
public class TypedOptionTests : IDisposable
{
    private readonly ViTDsl.Tests.Store.TempFolder dir = new();

    public void Dispose() => dir.Dispose();

    private static RootCommand Root() =>
        CliApp.Root([], [], commands: [FindingsCommand.Create([])], benchmarks: ViTDsl.Experiments.Bench.RepositoryBenchmarks.All());

    private static T Parsed<T>(string option, params string[] args)
    {
        var parsed = Root().Parse(args);
        Assert.Empty(parsed.Errors);
        return parsed.GetValue<Choice<T>>(option)!.Value;
    }

    private static IReadOnlyList<T> ParsedList<T>(string option, params string[] args)
    {
        var parsed = Root().Parse(args);
        Assert.Empty(parsed.Errors);
        return parsed.GetValue<ChoiceList<T>>(option)!.Items;
    }

    [Fact]
    public void Law_forms_units_metrics_and_curve_axes_parse_to_their_values()
    {
        Assert.Equal([LawForm.PowerLaw], Parsed<IReadOnlyList<LawForm>>("--form", "fit", "--form", "power"));
        Assert.Equal([LawForm.M4], Parsed<IReadOnlyList<LawForm>>("--form", "bench", "coverage", "--form", "m4"));
        Assert.Equal([LawForm.PowerLaw, LawForm.PowerLawWithFloor, LawForm.Saturating, LawForm.M4], Parsed<IReadOnlyList<LawForm>>("--form", "report"));
        Assert.Equal(new ComputeUnit.Flops(), Parsed<ComputeUnit>("--unit", "fit", "--unit", "flops"));
        Assert.Equal(new ComputeUnit.DeviceDays(Accelerator.TpuV3Core), Parsed<ComputeUnit>("--unit", "fit"));
        Assert.Equal(64, ((ComputeUnit.DeviceDays)Parsed<ComputeUnit>("--unit", "report", "--unit", "cpu:64")).Device.MemoryGiB);
        Assert.Equal(new RunMetric.Test(), Parsed<RunMetric>("--metric", "fit"));
        Assert.Equal(new RunMetric.FewShotError(10), Parsed<RunMetric>("--metric", "fit", "--metric", "10shot"));
        Assert.Equal(new RunMetric.FewShotError("mnist_digits", 25), Parsed<RunMetric>("--metric", "fit", "--metric", "fewshot/mnist_digits/25shot_error"));
        Assert.Equal([new RunMetric.Test(), new RunMetric.FewShotError(5), new RunMetric.FewShotError(10)],
            ParsedList<RunMetric>("--metric", "report", "--metric", "test,5shot", "--metric", "10shot"));
        Assert.Equal(CurveAxis.Steps, Parsed<CurveAxis>("--x", "fit", "--curve", "--x", "steps"));
        Assert.Equal(CurveAxis.Images, Parsed<CurveAxis>("--x", "fit", "--curve"));
    }

    [Fact]
    public void Sweep_placement_probe_choices_and_lists_parse_to_their_values()
    {
        Assert.Equal(SweepCommand.Placement.Slurm, Parsed<SweepCommand.Placement>("--on", "sweep", "S", "--on", "slurm"));
        Assert.Equal(SweepCommand.Placement.Local, Parsed<SweepCommand.Placement>("--on", "sweep", "S"));
        Assert.Equal(new Optimizer.Adam { FirstMoment = StateDtype.Bf16 }, Parsed<Optimizer>("--optimizer", "probe", "--optimizer", "adam-bf16"));
        Assert.Equal(new Optimizer.Adafactor(), Parsed<Optimizer>("--optimizer", "probe"));
        Assert.Equal(Precision.Bf16, Parsed<Precision>("--precision", "probe", "--precision", "bf16"));
        var shapes = ParsedList<ProbeShape>("--shapes", "probe", "--image", "448", "--shapes", "B/16, g/14:w1536");
        Assert.Equal([Vit.B(16) with { Image = 448 }, Vit.g(14) with { Image = 448, Width = 1536 }], shapes.Select(s => s.Model));
        Assert.Equal(ProbeShape.DefaultNames, ParsedList<ProbeShape>("--shapes", "probe").Select(s => s.Name));
        var devices = ParsedList<ProbeCommand.DeviceColumn>("--devices", "probe", "--devices", "tpuv3,cpu:3");
        Assert.Equal(["tpuv3", "cpu:3"], devices.Select(d => d.Key));
        Assert.Equal([Accelerator.TpuV3Core.Name, "CPU 3 GiB"], devices.Select(d => d.Device.Name));
        Assert.Equal(["BenchSmall"], Parsed<GeneratedExperiment[]>("--models", "bench", "training", "--models", "small").Select(e => e.Name));
        Assert.Equal([Precision.Fp32, Precision.Bf16], Parsed<Precision[]>("--precisions", "bench", "training"));
        Assert.Equal(Vit.S(16), Parsed<Vit>("--model", "bench", "optimizers", "--model", "S/16"));
        Assert.Null(Parsed<Precision?>("--precision", "findings"));
        Assert.Equal(Precision.Bf16, Parsed<Precision?>("--precision", "findings", "--precision", "bf16"));
        Assert.Equal([5, 7], ParsedList<int>("--trials", "bench", "generator", "--trials", "5,7"));
    }

    [Fact]
    public void Help_lists_the_valid_values_and_shows_each_default_by_its_name()
    {
        var output = new StringWriter();
        Assert.Equal(ExitCodes.Success, CliApp.Run(Root(), ["fit", "--help"], output, new StringWriter()));
        var help = string.Join(" ", output.ToString().Split((char[])[' ', '\n'], StringSplitOptions.RemoveEmptyEntries));
        foreach (var expected in new[]
                 {
                     "--form <power|floor|saturating|m4|all>", "--x <images|steps|compute>", "--unit <flops|tpuv3|tpuv4|a100-40|a100-80|h100|cpu-fp32|cpu-bf16|cpu:GIB>",
                     "[default: all]", "[default: images]", "[default: tpuv3]", "[default: test]",
                 })
            Assert.Contains(expected, help);
        output = new StringWriter();
        Assert.Equal(ExitCodes.Success, CliApp.Run(Root(), ["probe", "--help"], output, new StringWriter()));
        Assert.Contains("[default: tpuv3,tpuv4,a100-40,a100-80,h100]", output.ToString());
        Assert.Contains("--optimizer <adafactor|adam|adam-bf16>", output.ToString());
    }

    [Theory]
    [InlineData("power, floor, saturating, m4 or all", "fit", "--form", "exponential")]
    [InlineData("power, floor, saturating, m4 or all", "bench", "coverage", "--form", "linear")]
    [InlineData("use flops, tpuv3, tpuv4, a100-40, a100-80, h100, cpu-fp32, cpu-bf16 or cpu:GIB", "report", "--unit", "tpuv9")]
    [InlineData("use test, a shot count on the upstream data set such as 10shot, or a target's few-shot error such as fewshot/mnist_digits/10shot_error", "fit", "--metric", "10-shot")]
    [InlineData("fewshot/mnist_digits/10shot_error", "report", "--metric", "test,top5")]
    [InlineData("images, steps or compute", "fit", "--curve", "--x", "time")]
    [InlineData("local or slurm", "sweep", "S", "--on", "cloud")]
    [InlineData("adafactor, adam or adam-bf16", "probe", "--optimizer", "sgd")]
    [InlineData("fp32 or bf16", "probe", "--precision", "fp16")]
    [InlineData("w, d, m or h", "probe", "--shapes", "B/16,g/14:x3")]
    [InlineData("not a ViT preset", "probe", "--shapes", "Q/16")]
    [InlineData("not a multiple of Patch 16", "probe", "--image", "100", "--shapes", "B/16")]
    [InlineData("tpuv3, tpuv4, a100-40, a100-80, h100, cpu-fp32, cpu-bf16 or cpu:GIB", "probe", "--devices", "tpuv3,tpu")]
    [InlineData("small, medium or all", "bench", "training", "--models", "large")]
    [InlineData("fp32, bf16 or both", "bench", "training", "--precisions", "fp8")]
    [InlineData("not a ViT preset", "bench", "optimizers", "--model", "Z/3")]
    [InlineData("auto, fp32 or bf16", "findings", "--precision", "fp64")]
    [InlineData("positive whole numbers", "bench", "generator", "--declarations", "10,ten")]
    public void An_invalid_value_exits_2_listing_the_valid_ones_before_anything_starts(string valid, params string[] args)
    {
        var runs = dir.File("runs");
        var (output, error) = (new StringWriter(), new StringWriter());
        var code = CliApp.Run(Root(), [.. args, .. args[0] is "sweep" or "findings" ? new[] { "--runs", runs } : []], output, error);
        Assert.Equal(ExitCodes.UsageError, code);
        var line = Assert.Single(error.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith($"error: {args.Last(a => a.StartsWith("--", StringComparison.Ordinal))}: ", line);
        Assert.Contains(valid, line);
        Assert.Contains("--help", line);
        Assert.Equal("", output.ToString());
        Assert.False(Directory.Exists(runs), "nothing starts");
    }
}
