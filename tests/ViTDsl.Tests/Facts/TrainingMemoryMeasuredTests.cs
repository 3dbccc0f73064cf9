using System.Diagnostics;
using System.Text.Json;
using Xunit.Abstractions;

namespace ViTDsl.Tests.Facts;

/// <summary>
/// The plan's memory against what training really holds. Each shape trains in a fresh TestWorker process
/// (<c>measure-memory</c>): after one warm-up step over one image (which maps in library code) its gradients are
/// dropped, the resident set is the baseline (weights and optimizer state), and the kernel's peak resident set over
/// two steps at the full batch, minus that baseline, is compared with the plan's gradients + activations. glibc is
/// told to return every freed block above 64 KiB at once (MALLOC_MMAP_THRESHOLD_), so the peak counts live tensors.
/// The formula is the same for every shape (nothing tuned per shape); shapes vary pooling, heads (head widths 16 and
/// 32), optimizer, tokens and classes, each with more than 256 MB of activations; four of them rematerialise each
/// encoder block (the plan then counts the blocks' inputs and one recomputed block with its backward gradients).
/// Tolerance: ±10%.
/// </summary>
public class TrainingMemoryMeasuredTests(ITestOutputHelper output)
{
    private static readonly string Worker = typeof(ViTDsl.TestWorker.MemoryMain).Assembly.Location;

    // patch width depth mlp heads image channels pool classes batch optimizer remat
    private static readonly string[] Shapes =
    [
        "4 32 4 128 2 64 1 gap 10 128 adafactor none",
        "4 32 4 64 1 64 3 token 10 128 adam none",
        "4 64 2 128 2 64 1 map 10 128 adafactor none",
        "3 48 3 96 3 48 1 gap 10 160 adam none",
        "2 32 6 64 4 32 3 map 1000 96 adafactor none",
        "4 64 2 256 4 56 1 token 100 192 adafactor none",
        "4 64 8 256 4 64 3 gap 10 128 adafactor block",
        "4 48 6 96 3 64 1 token 100 192 adam block",
        "4 64 6 128 2 48 3 map 1000 256 adafactor block",
        "2 32 8 128 4 32 1 gap 10 208 adam block",
    ];

    [Fact]
    public void Measured_peak_of_a_training_step_is_within_10_percent_of_the_plan_eager_and_rematerialised()
    {
        // Two processes at a time: each runs single-threaded.
        var results = new JsonElement[Shapes.Length];
        Parallel.For(0, Shapes.Length, new ParallelOptions { MaxDegreeOfParallelism = 2 }, i => results[i] = Measure(Shapes[i]));
        var failures = new List<string>();
        for (var i = 0; i < Shapes.Length; i++)
        {
            var r = results[i];
            long measured = r.GetProperty("StepBytes").GetInt64(), activations = r.GetProperty("ActivationBytes").GetInt64();
            var planned = r.GetProperty("GradientBytes").GetInt64() + activations;
            var ratio = planned / (double)measured;
            output.WriteLine($"{Shapes[i]}: planned {planned / 1e6:0.0} MB, measured {measured / 1e6:0.0} MB, estimate ÷ measured {ratio:0.000}");
            Assert.True(activations > 256_000_000, $"{Shapes[i]} has only {activations} activation bytes; the check needs large steps");
            if (ratio is < 0.90 or > 1.10) failures.Add($"{Shapes[i]}: estimate ÷ measured = {ratio:0.000}");
        }
        Assert.Empty(failures);
    }

    private static JsonElement Measure(string shape)
    {
        var names = new[] { "patch", "width", "depth", "mlp", "heads", "image", "channels", "pool", "classes", "batch", "optimizer", "remat" };
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Worker);
        start.ArgumentList.Add("measure-memory");
        foreach (var (name, value) in names.Zip(shape.Split(' ')))
        {
            start.ArgumentList.Add("--" + name);
            start.ArgumentList.Add(value);
        }
        start.Environment["MALLOC_MMAP_THRESHOLD_"] = "65536";
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(5)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"measure-memory {shape} ran over 5 minutes");
        }
        if (process.ExitCode != 0) throw new InvalidOperationException($"measure-memory {shape} failed: {stderr.Result}");
        return JsonDocument.Parse(stdout.Result.Trim().Split('\n').Last()).RootElement.Clone();
    }
}
