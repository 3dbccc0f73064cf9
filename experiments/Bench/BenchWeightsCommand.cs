using ViTDsl.Cli;
using System.CommandLine;
using System.Diagnostics;
using ViTDsl.Runtime.Models;
using ViTDsl.Runtime.Train.Checkpoints;
using ViTDsl.Runtime.Weights;
using static TorchSharp.torch;

namespace ViTDsl.Experiments.Bench;

public static partial class BenchCommands
{
    /// <summary>
    /// <c>vitdsl bench weights</c>: saving and loading a model's weights as safetensors (timm names) against ViTDsl's own
    /// checkpoint format, interleaved in one run: seconds (median of the repeats) and the peak resident memory each
    /// operation adds (Linux: the high-water mark reset through /proc/self/clear_refs before each), as ratios.
    /// </summary>
    public static Command Weights(TextWriter? output = null)
    {
        var shape = new Option<string>("--shape") { Description = "The trunk: a preset name; with a class token and 1000 classes, as timm's models (B/16: 86.6M parameters, 346 MB of float32).", DefaultValueFactory = _ => "B/16" };
        var repeats = new Option<int>("--repeats") { Description = "Saves and loads of each format (interleaved; medians reported).", DefaultValueFactory = _ => 3 };
        repeats.Validators.Add(r => { if (r.GetValueOrDefault<int>() < 1) r.AddError("--repeats must be at least 1"); });
        var command = new Command("weights", "Time and peak memory of saving and loading weights as safetensors vs ViTDsl checkpoints, as ratios measured in one run.");
        command.Options.Add(shape);
        command.Options.Add(repeats);
        command.SetAction(parsed =>
        {
            var writer = output ?? Console.Out;
            var folder = Directory.CreateTempSubdirectory("vitdsl-bench-weights-").FullName;
            try
            {
                using var model = new AssembledVit(Vit.Named(parsed.GetValue(shape)!) with { Pool = new Pool.Token(), Classifier = new Classifier(1000) });
                var (safetensors, checkpoint) = (Path.Combine(folder, "model.safetensors"), Path.Combine(folder, "model.ckpt"));
                var measured = new Dictionary<string, List<(double Seconds, long PeakBytes)>>();
                void Add(string key, (double, long) value) => (measured.TryGetValue(key, out var list) ? list : measured[key] = []).Add(value);
                for (var r = 0; r < parsed.GetValue(repeats); r++)
                {
                    Add("save safetensors", Measure(() => ForeignWeights.Export(model, WeightNames.Timm, safetensors)));
                    Add("save checkpoint", Measure(() => { using var scope = NewDisposeScope(); Checkpoint.Write(checkpoint, new CheckpointHeader("bench", 0, 0, ViTDsl.Runtime.Data.DataPosition.Start), model.state_dict()); }));
                    Add("load safetensors", Measure(() => ForeignWeights.Load(model, safetensors, WeightNames.Timm)));
                    Add("load checkpoint", Measure(() => { using var file = Checkpoint.Read(checkpoint); model.load_state_dict(new Dictionary<string, Tensor>(file.Tensors)); }));
                }
                writer.WriteLine($"{parsed.GetValue(shape)}: {model.CountParameters():N0} parameters, safetensors {new FileInfo(safetensors).Length / 1e6:F1} MB, checkpoint {new FileInfo(checkpoint).Length / 1e6:F1} MB; {parsed.GetValue(repeats)} repeats, medians");
                foreach (var (operation, values) in measured)
                    writer.WriteLine($"  {operation,-18} {Median(values.Select(v => v.Seconds)),7:F3} s   peak +{Median(values.Select(v => (double)v.PeakBytes)) / 1e6,7:F0} MB");
                foreach (var verb in new[] { "save", "load" })
                    writer.WriteLine($"  {verb}: safetensors / checkpoint = {Ratio(measured, verb, v => v.Seconds):F2}× time, {Ratio(measured, verb, v => v.PeakBytes):F2}× peak memory" + (verb == "save" ? " (both write from the tensors' own memory: the peaks are a few MB of noise)" : ""));
            }
            finally
            {
                Directory.Delete(folder, recursive: true);
            }
            return Task.FromResult(0);
        });
        return command;
    }

    private static double Ratio(Dictionary<string, List<(double Seconds, long PeakBytes)>> measured, string verb, Func<(double Seconds, long PeakBytes), double> of) =>
        Median(measured[$"{verb} safetensors"].Select(of)) / Median(measured[$"{verb} checkpoint"].Select(of));

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.OrderBy(v => v).ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }

    /// <summary>Seconds, and the resident memory's high-water mark above what was resident before (Linux; 0 elsewhere).</summary>
    private static (double Seconds, long PeakBytes) Measure(Action operation)
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        ResetPeak();
        long before = Status("VmRSS:");
        var clock = Stopwatch.StartNew();
        operation();
        var seconds = clock.Elapsed.TotalSeconds;
        return (seconds, Math.Max(0, Status("VmHWM:") - before));
    }

    private static void ResetPeak()
    {
        if (File.Exists("/proc/self/clear_refs")) File.WriteAllText("/proc/self/clear_refs", "5"); // resets VmHWM to VmRSS
    }

    private static long Status(string field)
    {
        if (!File.Exists("/proc/self/status")) return 0;
        var line = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith(field));
        return line is null ? 0 : long.Parse(line[field.Length..].Trim().Split(' ')[0]) * 1024;
    }
}
