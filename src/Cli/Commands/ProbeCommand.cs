using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Text.Json;
using Spectre.Console;
using ViTDsl.Runtime.Compute;
using ViTDsl.Runtime.Probe;
using ViTDsl.Runtime.Workers;
using static TorchSharp.torch;

namespace ViTDsl.Cli;

/// <summary>
/// <c>vitdsl probe</c>: the paper's shape study (§3 and its appendix on choosing the ViT-g/G shapes). For each shape:
/// parameters, GFLOPs, training memory per device at a batch and the largest batch each device holds — from the
/// formulas the build uses — and, for shapes small enough for this machine, measured training images/s and the
/// measured peak memory of a step next to the plan's. Prints a table (or <c>--json</c>) and writes a PNG.
/// </summary>
internal static class ProbeCommand
{
    private static readonly NameTable<Optimizer> Optimizers = new("an optimizer",
    [
        ("adafactor", new Optimizer.Adafactor()),
        ("adam", new Optimizer.Adam()),
        ("adam-bf16", new Optimizer.Adam { FirstMoment = StateDtype.Bf16 }),
    ]);

    private const int DefaultImage = 224;
    private const string DefaultDevices = "tpuv3,tpuv4,a100-40,a100-80,h100";

    public static Command Create()
    {
        var image = new Option<int>("--image") { Description = "Image size in pixels.", DefaultValueFactory = _ => DefaultImage };
        var shapes = TypedOption.List("--shapes", ShapeAt(image), "SHAPE,SHAPE,…", "Comma-separated shapes: presets (\"B/16\") or presets with changes (\"g/14:w1536:d48:m8192:h16\": width, depth, MLP, heads). Default: Table 2 and variations around g/14.", defaultText: string.Join(',', ProbeShape.DefaultNames));
        var batch = new Option<int>("--batch") { Description = "Images per device the memory column is planned at (the paper's ViT-g: 32 per TPUv3 core).", DefaultValueFactory = _ => 32 };
        var optimizer = TypedOption.Of("--optimizer", Optimizers, "adafactor", "adafactor (the paper's modified Adafactor), adam or adam-bf16 (Adam with a bf16 first moment).");
        var precision = TypedOption.Of("--precision", CliNames.Precisions, Precision.Fp32.Label(), $"Activation precision of the plan: {CliNames.Precisions.Choices} (bf16 halves activations; states stay fp32). Measurements are fp32.");
        var devices = TypedOption.List("--devices", Device, "DEVICE,DEVICE,…", $"Comma-separated devices for the largest-batch columns: {string.Join(", ", Accelerator.PresetNames)} or cpu:GIB.", defaultText: DefaultDevices);
        var measure = new Option<bool>("--measure") { Description = "Measure images/s and peak step memory here for the shapes that fit this machine's memory and time budget.", DefaultValueFactory = _ => true };
        var measureBatch = new Option<int>("--measure-batch") { Description = "Images per step of the measurements here.", DefaultValueFactory = _ => 8 };
        var steps = new Option<int>("--steps") { Description = "Timed training steps per measured shape (after a warm-up step).", DefaultValueFactory = _ => 3 };
        var budget = new Option<double>("--measure-seconds") { Description = "Skip measuring shapes whose steps are estimated to take longer than this many seconds here.", DefaultValueFactory = _ => 60 };
        var fitDevice = TypedOption.Parsed("--fit-device", Device, "DEVICE", "Device of the fit grid (depth × width at patch 14, coloured by the first recipe that fits, at --batch images): a preset or cpu:GIB.", defaultText: "tpuv3");
        var output = new Option<string>("--out") { Description = "Folder the figure is written to.", DefaultValueFactory = _ => "probe" };
        var json = new Option<bool>("--json") { Description = "Print the study as JSON instead of a table." };
        foreach (var positive in new[] { image, batch, measureBatch, steps })
            positive.Validators.Add(r => { if (r.GetValueOrDefault<int>() < 1) r.AddError($"{r.Option.Name} must be at least 1."); });

        var command = new Command("probe", "The paper's shape study: parameters, GFLOPs, training memory and the largest batch per device for each shape, measured images/s and peak memory for those that fit here.");
        foreach (var option in new Option[] { shapes, image, batch, optimizer, precision, devices, fitDevice, measure, measureBatch, steps, budget, output, json }) command.Options.Add(option);
        command.Subcommands.Add(MeasureOne());
        command.SetAction(parsed =>
        {
            var studied = parsed.GetValue(shapes)!.Items;
            var deviceKeys = parsed.GetValue(devices)!.Items.Select(d => d.Key).ToList();
            var accelerators = parsed.GetValue(devices)!.Items.Select(d => d.Device).ToList();
            var chosenOptimizer = parsed.GetValue(optimizer)!;
            var planPrecision = parsed.GetValue(precision)!.Value;
            var facts = studied.Select(s => ShapeFacts.Of(s, chosenOptimizer.Value, parsed.GetValue(batch), planPrecision, accelerators)).ToList();
            var measured = parsed.GetValue(measure)
                ? MeasureHere(studied, chosenOptimizer, parsed.GetValue(measureBatch), parsed.GetValue(steps), parsed.GetValue(budget), quiet: parsed.GetValue(json))
                : [];
            var figure = ShapeStudyFigure.Create(facts, accelerators).Save(parsed.GetValue(output)!);
            var fit = FitStudy.Of(parsed.GetValue(fitDevice)?.Value.Device ?? Accelerator.TpuV3Core, image: parsed.GetValue(image), batchPerDevice: parsed.GetValue(batch));
            var fitSummary = ProbeFitSummary.Of(fit, FitGridFigure.Create(fit).Save(parsed.GetValue(output)!));
            if (fit.Device.Execution.Rematerialisation != Rematerialisation.None)
                FitGridFigure.Create(fit.KeepingActivations(), FitGridFigure.KeepingActivationsFileName).Save(parsed.GetValue(output)!);
            if (parsed.GetValue(json))
                Console.Out.WriteLine(JsonSerializer.Serialize(new { optimizer = chosenOptimizer.Name, precision = planPrecision.Label(), shapes = facts.Select(Row), measured, figure, fitStudy = fitSummary }, CliJson.Options));
            else
            {
                WriteTable(facts, measured, deviceKeys, figure);
                foreach (var line in fitSummary.Lines()) AnsiConsole.MarkupLine(Markup.Escape(line));
            }
            return ExitCodes.Success;
        });
        return command;
    }

    private static object Row(ShapeFacts f) => new
    {
        f.Name, f.Model.Patch, f.Model.Width, f.Model.Depth, f.Model.Mlp, f.Model.Heads, f.Model.Image, f.Parameters,
        f.ForwardGflopsPerImage, batchPerDevice = f.Memory.BatchPerDevice,
        memory = new { f.Memory.WeightBytes, f.Memory.GradientBytes, f.Memory.OptimizerStateBytes, f.Memory.ActivationBytes, f.Memory.PeakBytes },
        largestBatch = f.Devices,
    };

    private static void WriteTable(IReadOnlyList<ShapeFacts> facts, IReadOnlyList<ShapeMeasurement> measured, IReadOnlyList<string> deviceKeys, string figure)
    {
        // A redirected console reports 80 columns; the study's table is wider and reads badly wrapped.
        if (Console.IsOutputRedirected) AnsiConsole.Profile.Width = Math.Max(AnsiConsole.Profile.Width, 160);
        var table = new Table();
        var headers = new List<string> { "shape", "M params", "GFLOPs", $"GiB@{facts.FirstOrDefault()?.Memory.BatchPerDevice}" };
        headers.AddRange(deviceKeys);
        if (measured.Count > 0) headers.AddRange(["img/s here", "plan ÷ meas.", "remat time ×"]);
        foreach (var header in headers) table.AddColumn(new TableColumn(Markup.Escape(header)).RightAligned());
        foreach (var f in facts)
        {
            var m = measured.FirstOrDefault(x => x.Name == f.Name);
            var cells = new List<string>
            {
                f.Name, (f.Parameters / 1e6).ToString("0.0", CultureInfo.InvariantCulture), f.ForwardGflopsPerImage.ToString("0.0", CultureInfo.InvariantCulture),
                (f.Memory.PeakBytes / TrainingMemory.BytesPerGiB).ToString("0.00", CultureInfo.InvariantCulture),
            };
            cells.AddRange(f.Devices.Select(d => d.LargestBatch.ToString(CultureInfo.InvariantCulture)));
            if (measured.Count > 0)
            {
                cells.Add(m is null ? "–" : m.ImagesPerSecond.ToString("0.0", CultureInfo.InvariantCulture));
                cells.Add(m is null ? "–" : m.EstimateOverMeasured.ToString("0.00", CultureInfo.InvariantCulture));
                cells.Add(m is null ? "–" : m.RematTimeRatio.ToString("0.00", CultureInfo.InvariantCulture));
            }
            table.AddRow(cells.Select(Markup.Escape).ToArray());
        }
        AnsiConsole.Write(table);
        AnsiConsole.MarkupLine(Markup.Escape($"GiB@{facts.FirstOrDefault()?.Memory.BatchPerDevice}: training memory per device at that batch; {string.Join(", ", deviceKeys)}: the largest batch per device that fits (0: none)."));
        if (measured.Count > 0)
            AnsiConsole.MarkupLine(Markup.Escape($"Measured here in fp32 at batch {measured[0].Batch} ({Environment.ProcessorCount} threads), each shape in a process of its own; '–': over this machine's memory or time budget (--measure-seconds); remat time ×: processor time of a step rematerialising each encoder block ÷ a plain step's, alternating in one process."));
        AnsiConsole.MarkupLine(Markup.Escape($"Figure: {figure}"));
    }

    /// <summary>
    /// Measures, each in a fresh process, the shapes whose step memory fits half of this machine's memory and whose
    /// steps are estimated (training FLOPs at a third of the measured fp32 matmul rate) to fit the time budget.
    /// </summary>
    private static List<ShapeMeasurement> MeasureHere(IReadOnlyList<ProbeShape> shapes, Choice<Optimizer> optimizer, int batch, int steps, double budgetSeconds, bool quiet)
    {
        set_num_threads(Environment.ProcessorCount);
        var gflops = MatmulRate.SquareGflops(ScalarType.Float32, 1024);
        var memoryBudget = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / 2;
        var results = new List<ShapeMeasurement>();
        foreach (var shape in shapes)
        {
            var plan = TrainingMemory.Of(ShapeFacts.ExperimentOf(shape.Model, optimizer.Value, batch));
            var seconds = FlopCount.TrainingGflopsPerImage(shape.Model) * batch * (2.5 * steps + 4) / (gflops / 3);
            if (plan.PeakBytes > memoryBudget || seconds > budgetSeconds) continue;
            if (!quiet) AnsiConsole.MarkupLine(Markup.Escape($"measuring {shape.Name} (about {seconds:0} s) …"));
            results.Add(MeasureInChild(shape, optimizer, batch, steps));
        }
        return results;
    }

    private static ShapeMeasurement MeasureInChild(ProbeShape shape, Choice<Optimizer> optimizer, int batch, int steps)
    {
        var self = WorkerCommand.Dotnet(Assembly.GetEntryAssembly()!.Location, "probe", "measure-one", "--shape", shape.Name,
            "--image", shape.Model.Image.ToString(CultureInfo.InvariantCulture), "--batch", batch.ToString(CultureInfo.InvariantCulture),
            "--optimizer", optimizer.Name, "--steps", steps.ToString(CultureInfo.InvariantCulture));
        var start = new ProcessStartInfo(self.FileName) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in self.Arguments) start.ArgumentList.Add(argument);
        // Freed tensors go back to the kernel at once, so the peak resident set counts live tensors (MemoryProbe).
        start.Environment["MALLOC_MMAP_THRESHOLD_"] = "65536";
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"Measuring {shape.Name} failed (exit {process.ExitCode}): {stderr.Result.Trim()}");
        return JsonSerializer.Deserialize<ShapeMeasurement>(stdout.Result.Trim().Split('\n').Last(), CliJson.Options)
               ?? throw new InvalidOperationException($"Measuring {shape.Name} printed no result.");
    }

    /// <summary><c>vitdsl probe measure-one</c>: the measurement of one shape, in the process that runs it (hidden).</summary>
    private static Command MeasureOne()
    {
        var image = new Option<int>("--image") { Required = true };
        var shape = TypedOption.Parsed("--shape", ShapeAt(image), "SHAPE", "The shape to measure.");
        shape.Required = true;
        var batch = new Option<int>("--batch") { Required = true };
        var optimizer = TypedOption.Of("--optimizer", Optimizers, "adafactor", "The optimizer of the measured steps.");
        var steps = new Option<int>("--steps") { Required = true };
        var command = new Command("measure-one", "Measure one shape in this process (used by probe).") { Hidden = true };
        foreach (var option in new Option[] { shape, image, batch, optimizer, steps }) command.Options.Add(option);
        command.SetAction(parsed =>
        {
            set_num_threads(Environment.ProcessorCount);
            var result = ShapeMeasurement.Measure(parsed.GetValue(shape)!.Value, parsed.GetValue(optimizer)!.Value, parsed.GetValue(batch), parsed.GetValue(steps));
            Console.Out.WriteLine(JsonSerializer.Serialize(result, new JsonSerializerOptions(CliJson.Options) { WriteIndented = false }));
            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>A device of the largest-batch columns, as named on the command line (its column header).</summary>
    public sealed record DeviceColumn(string Key, Accelerator Device);

    private static DeviceColumn Device(string name) => new(name.Trim().ToLowerInvariant(), Accelerator.Named(name));

    /// <summary>A shape parser at the image size of <paramref name="image"/>, read from the same parse: a shape that
    /// does not fit that size is a usage error too.</summary>
    private static Func<System.CommandLine.Parsing.ArgumentResult, string, ProbeShape> ShapeAt(Option<int> image) =>
        // While the shapes parse, an --image not given has no result yet, so its default is not applied.
        (result, text) => ProbeShape.Parse(text, result.GetResult(image) is null ? DefaultImage : result.GetValue(image));
}
