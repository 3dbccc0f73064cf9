using System.CommandLine;
using System.Text.Json;
using Spectre.Console;
using ViTDsl.Runtime.Models;

namespace ViTDsl.Cli;

/// <summary>`vitdsl plan`: the compile-time facts of every declared experiment, as a table or as JSON.</summary>
internal static class PlanCommand
{
    public static Command Create(IReadOnlyList<GeneratedExperiment> experiments)
    {
        var json = new Option<bool>("--json") { Description = "Print a JSON array, one object per experiment." };
        var command = new Command("plan", "Show each declared experiment's shape, parameter counts, FLOPs and training memory per device (computed at build time).");
        command.Options.Add(json);
        command.SetAction(parsed =>
        {
            var rows = experiments.Select(PlanRow.From).ToList();
            if (parsed.GetValue(json))
                Console.Out.WriteLine(JsonSerializer.Serialize(rows, CliJson.Options));
            else
            {
                if (Console.IsOutputRedirected) AnsiConsole.Profile.Width = 160; // a file or pipe is not 80 columns wide
                AnsiConsole.Write(Table(rows));
                AnsiConsole.Write(MemoryTable(rows));
            }
            return ExitCodes.Success;
        });
        return command;
    }

    private static Table Table(IEnumerable<PlanRow> rows)
    {
        var table = new Table().Title("Declared experiments (facts computed at build time)");
        foreach (var header in new[] { "name", "variant", "image", "pool", "classes", "tokens", "trunk (M)", "total (M)", "GFLOPs" })
            table.AddColumn(new TableColumn(header).RightAligned());
        foreach (var r in rows)
            table.AddRow(r.Name, r.Variant, r.Image.ToString(), r.Pool, r.Classes.ToString(), r.TokensPerImage.ToString(),
                (r.TrunkParameters / 1e6).ToString("0.00"), (r.TotalParameters / 1e6).ToString("0.00"), r.ForwardGflops.ToString("0.00"));
        return table;
    }

    private static Table MemoryTable(IEnumerable<PlanRow> rows)
    {
        var table = new Table().Title("Training memory per device, GiB (float32; optimizer state on big_vision's shapes)");
        foreach (var header in new[] { "name", "device", "× devices", "batch/device", "weights", "gradients", "optimizer", "activations", "peak", "device memory", "max batch/device" })
            table.AddColumn(new TableColumn(header).RightAligned());
        static string G(long bytes) => (bytes / TrainingMemory.BytesPerGiB).ToString("0.000");
        foreach (var r in rows)
            table.AddRow(r.Name, r.Device, r.DeviceCount.ToString(), r.BatchPerDevice.ToString(), G(r.WeightBytes), G(r.GradientBytes),
                G(r.OptimizerStateBytes), G(r.ActivationBytes), G(r.PeakTrainingBytes),
                r.DeviceMemoryBytes is long memory ? G(memory) : "unchecked", r.DeviceMemoryBytes is null ? "-" : r.LargestBatchPerDevice.ToString());
        return table;
    }
}

/// <summary>
/// One experiment's facts as `plan --json` prints them; the memory fields are bytes per device
/// (<see cref="TrainingMemory"/>), <c>LargestBatchPerDevice</c> is 2147483647 when the device's memory is not checked.
/// </summary>
internal sealed record PlanRow(
    string Name, string DeclaredIn, string Variant, int Patch, int Width, int Depth, int Mlp, int Heads, int Image, int Channels,
    string Pool, int Classes, int TokensPerImage, long TrunkParameters, long TotalParameters, double ForwardGflops,
    string Device, int DeviceCount, int BatchPerDevice, long WeightBytes, long GradientBytes, long OptimizerStateBytes,
    long ActivationBytes, long PeakTrainingBytes, long? DeviceMemoryBytes, int LargestBatchPerDevice)
{
    public static PlanRow From(GeneratedExperiment e)
    {
        var m = e.Declaration.Model;
        var memory = e.Facts.Memory;
        return new(e.Name, e.DeclaredIn, m.Variant, m.Patch, m.Width, m.Depth, m.Mlp, m.Heads, m.Image, m.Channels,
            m.Pool.ToString(), m.Classifier.Classes, e.Facts.TokensPerImage, e.Facts.TrunkParameters, e.Facts.TotalParameters,
            e.Facts.ForwardGflops, e.Declaration.Device.Name, e.Declaration.DeviceCount, memory.BatchPerDevice, memory.WeightBytes,
            memory.GradientBytes, memory.OptimizerStateBytes, memory.ActivationBytes, memory.PeakBytes,
            e.Declaration.Device.IsMemoryChecked ? e.Facts.DeviceMemoryBytes : null, e.Facts.LargestBatchPerDevice);
    }
}
