using System.Diagnostics;
using TorchSharp;
using ViTDsl.Runtime.Models;
using static TorchSharp.torch;

namespace ViTDsl.Experiments.Bench;

/// <summary>One measured configuration of the training benchmark.</summary>
public sealed record TrainingBenchRow(string Model, string Implementation, int Batch, double ImagesPerSecond, double AchievedGflops, double ShareOfFp32Peak);

/// <summary>
/// Training throughput of generated ViTs against a hand-written TorchSharp ViT of the same shape and against the
/// machine's fp32 matmul peak, all measured in one run. Rounds alternate between implementations so that drift in
/// machine load affects both alike; the median round counts.
/// </summary>
public static class TrainingBench
{
    public static double MatmulPeakGflops(ScalarType dtype, int size = 2048, int repeats = 6)
    {
        using var scope = NewDisposeScope();
        var a = randn(size, size).to(dtype);
        var b = randn(size, size).to(dtype);
        a.matmul(b);
        var times = new List<double>();
        for (int i = 0; i < repeats; i++)
        {
            var watch = Stopwatch.StartNew();
            using var c = a.matmul(b);
            times.Add(watch.Elapsed.TotalSeconds);
        }
        return 2.0 * size * size * size / Median(times) / 1e9;
    }

    public static IEnumerable<TrainingBenchRow> Measure(GeneratedExperiment experiment, int batch, int steps, int rounds, double peakGflops)
    {
        manual_seed(0);
        var shape = experiment.Declaration.Model;
        var implementations = new (string Name, nn.Module<Tensor, Tensor> Module)[]
        {
            ("generated", experiment.CreateModel(null)),
            ("hand-written", new HandWrittenVit(shape)),
        };
        var images = randn(batch, shape.Channels, shape.Image, shape.Image);
        var labels = randint(0, shape.Classifier.Classes, batch, dtype: int64);
        var seconds = implementations.ToDictionary(i => i.Name, _ => new List<double>());
        foreach (var (_, module) in implementations) Train(module, images, labels, steps: 2); // warm-up
        for (int round = 0; round < rounds; round++)
            foreach (var (name, module) in implementations)
                seconds[name].Add(Train(module, images, labels, steps) / steps);
        foreach (var (name, module) in implementations)
        {
            var imagesPerSecond = batch / Median(seconds[name]);
            var gflops = imagesPerSecond * FlopCount.TrainingGflopsPerImage(shape);
            yield return new TrainingBenchRow(shape.Variant, name, batch, imagesPerSecond, gflops, gflops / peakGflops);
            module.Dispose();
        }
    }

    /// <summary>Seconds for <paramref name="steps"/> SGD steps of softmax cross-entropy (the same optimizer for both).</summary>
    private static double Train(nn.Module<Tensor, Tensor> module, Tensor images, Tensor labels, int steps)
    {
        using var optimizer = optim.SGD(module.parameters(), 1e-3);
        var watch = Stopwatch.StartNew();
        for (int i = 0; i < steps; i++)
        {
            using var scope = NewDisposeScope();
            optimizer.zero_grad();
            var loss = nn.functional.cross_entropy(module.forward(images), labels);
            loss.backward();
            optimizer.step();
        }
        return watch.Elapsed.TotalSeconds;
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }
}
