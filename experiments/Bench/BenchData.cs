using ViTDsl.Cli;
using System.CommandLine;
using System.Diagnostics;
using TorchSharp;
using ViTDsl.Runtime.Data;

namespace ViTDsl.Experiments.Bench;

/// <summary>Benchmark commands; register under `bench`: <c>bench.Subcommands.Add(BenchCommands.Data())</c>.</summary>
public static partial class BenchCommands
{
    /// <summary>
    /// `vitdsl bench data`: images/s from the bytes in memory into batch tensors, for a plain loop (sequential, no
    /// shuffle, no augmentation, on the caller's thread) against the data pipeline (shuffled, nested subset,
    /// optional flip + crop) with and without background prefetch, and with a simulated training step that
    /// prefetch can overlap. Ratios are within one run.
    /// </summary>
    public static Command Data()
    {
        var batch = new Option<int>("--batch") { Description = "Images per batch.", DefaultValueFactory = _ => 256 };
        var batches = new Option<int>("--batches") { Description = "Batches timed per variant.", DefaultValueFactory = _ => 200 };
        var repeats = new Option<int>("--repeats") { Description = "Timed repetitions per variant; the best is reported (the machine may be shared).", DefaultValueFactory = _ => 3 };
        var stepMs = new Option<double>("--step-ms") { Description = "Busy CPU time of the simulated training step per batch.", DefaultValueFactory = _ => 20 };
        var synthetic = new Option<int>("--synthetic") { Description = "Use this many synthetic 28×28 images instead of Fashion-MNIST (no files needed)." };
        var command = new Command("data", "Measure the data loader's throughput (images/s into tensors) against a plain loop.");
        foreach (var positive in new[] { batch, batches, repeats })
            positive.Validators.Add(r => { if (r.GetValueOrDefault<int>() < 1) r.AddError($"{r.Option.Name} must be at least 1"); });
        command.Options.Add(batch);
        command.Options.Add(batches);
        command.Options.Add(stepMs);
        command.Options.Add(repeats);
        command.Options.Add(synthetic);
        command.SetAction(parsed =>
        {
            var output = parsed.InvocationConfiguration.Output;
            int b = parsed.GetValue(batch), n = parsed.GetValue(batches);
            Repeats = parsed.GetValue(repeats);
            int syntheticImages = parsed.GetValue(synthetic);
            DataSet set = syntheticImages > 0 ? new DataSet.Synthetic(syntheticImages, 0, 10) : new DataSet.FashionMnist();
            var data = new ViTDsl.Data(set) { Batch = b, Flip = false, Crop = false };
            var plain = DataPipeline.Load(data, 28, 1);
            var augmented = DataPipeline.Create(data with { Flip = true, Crop = true }, plain.Source, 28, 1);
            double step = parsed.GetValue(stepMs);
            output.WriteLine($"bench data: {set}, batch {b}, {n} batches per variant, best of {Repeats}, {Environment.ProcessorCount} cores");
            var baseline = Time(n, b, 0, () => PlainLoop(plain.Source.Train, b));
            Report(output, "plain loop (sequential, no shuffle)", baseline, baseline);
            Report(output, "pipeline, no prefetch", TimeLoader(plain, n, 0, 1, 0), baseline);
            Report(output, "pipeline, prefetch 4", TimeLoader(plain, n, 4, 1, 0), baseline);
            Report(output, "pipeline + flip/crop, no prefetch", TimeLoader(augmented, n, 0, 1, 0), baseline);
            Report(output, "pipeline + flip/crop, prefetch 4, 2 workers", TimeLoader(augmented, n, 4, 2, 0), baseline);
            if (step > 0)
            {
                var withStep = Time(n, b, step, () => PlainLoop(plain.Source.Train, b));
                Report(output, $"plain loop + {step} ms step", withStep, withStep);
                Report(output, $"pipeline + flip/crop, no prefetch + {step} ms step", TimeLoader(augmented, n, 0, 1, step), withStep);
                Report(output, $"pipeline + flip/crop, prefetch 4 + {step} ms step", TimeLoader(augmented, n, 4, 1, step), withStep);
            }
            return ExitCodes.Success;
        });
        return command;
    }

    private static void Report(TextWriter output, string name, double imagesPerSecond, double baseline) =>
        output.WriteLine($"  {name,-55} {imagesPerSecond,12:N0} images/s  ×{imagesPerSecond / baseline:0.00}");

    [ThreadStatic] private static int Repeats;

    private static double TimeLoader(DataPipeline pipeline, int batches, int prefetch, int workers, double stepMs)
    {
        double best = 0;
        for (int r = 0; r < Repeats; r++)
        {
            using var loader = pipeline.Batches(prefetch: prefetch, workers: workers);
            best = Math.Max(best, TimeOnce(batches, pipeline.Data.Batch, stepMs, loader.Next));
        }
        return best;
    }

    private static double Time(int batches, int batchSize, double stepMs, Func<Batch> next)
    {
        double best = 0;
        for (int r = 0; r < Repeats; r++) best = Math.Max(best, TimeOnce(batches, batchSize, stepMs, next));
        return best;
    }

    // Images per second over `batches` batches after one untimed warm-up batch; `stepMs` of busy work per batch
    // stands in for the training step that prefetching overlaps.
    private static double TimeOnce(int batches, int batchSize, double stepMs, Func<Batch> next)
    {
        next().Dispose();
        var clock = Stopwatch.StartNew();
        for (int i = 0; i < batches; i++)
        {
            using var batch = next();
            if (stepMs > 0) Busy(stepMs);
        }
        return batches * (double)batchSize / clock.Elapsed.TotalSeconds;
    }

    private static void Busy(double ms)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed.TotalMilliseconds < ms) Thread.SpinWait(100);
    }

    private static int plainCursor;

    // The baseline: the simplest loader one would write — consecutive images, bytes to [-1, 1] floats, tensors.
    private static Batch PlainLoop(ImageSet images, int batchSize)
    {
        int size = images.ImageBytes;
        var pixels = new float[batchSize * size];
        var labels = new long[batchSize];
        for (int i = 0; i < batchSize; i++)
        {
            int index = plainCursor++ % images.Count;
            var image = images.Image(index);
            for (int p = 0; p < size; p++) pixels[i * size + p] = image[p] / 127.5f - 1f;
            labels[i] = images.Labels[index];
        }
        return Batch.FromArrays(pixels, labels, images.Channels, images.Height, default, default);
    }
}
