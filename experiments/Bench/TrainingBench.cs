using ViTDsl.Cli;
using System.Diagnostics;
using TorchSharp;
using ViTDsl.Runtime.Layers;
using ViTDsl.Runtime.Models;
using static TorchSharp.torch;

namespace ViTDsl.Experiments.Bench;

/// <summary>One measured configuration of the training benchmark.</summary>
/// <param name="ShareOfPeak">Achieved GFLOP/s ÷ the measured matmul peak of the same precision.</param>
/// <param name="ImagesPerCpuSecond">Images per second of processor time (all threads of this process): on a machine
/// shared with other work it moves less than the wall-clock rate.</param>
public sealed record TrainingBenchRow(
    string Model, string Implementation, Precision Precision, int Batch, double ImagesPerSecond, double AchievedGflops, double ShareOfPeak,
    double ImagesPerCpuSecond);

/// <summary>
/// Training throughput of generated ViTs against a hand-written TorchSharp ViT of the same shape, in each precision,
/// and against the machine's matmul peak of that precision, all measured in one run. Rounds alternate between the
/// configurations so that drift in machine load affects all alike; the median round counts.
/// </summary>
public static class TrainingBench
{
    public static IEnumerable<TrainingBenchRow> Measure(GeneratedExperiment experiment, IReadOnlyList<Precision> precisions, int batch, int steps, int rounds,
        Func<Precision, double> peakGflops)
    {
        manual_seed(0);
        var shape = experiment.Declaration.Model;
        var configurations = precisions.SelectMany(p => new (string Name, Precision Precision, nn.Module<Tensor, Tensor> Module)[]
        {
            ("generated", p, (experiment with { Declaration = experiment.Declaration with { Precision = p } }).CreateModel(null)),
            ("hand-written", p, new HandWrittenVit(shape, MatrixProducts.DtypeOf(p))),
        }).ToList();
        var images = randn(batch, shape.Channels, shape.Image, shape.Image);
        var labels = randint(0, shape.Classifier.Classes, batch, dtype: int64);
        var seconds = configurations.Select(_ => new List<double>()).ToList();
        var cpuSeconds = configurations.Select(_ => new List<double>()).ToList();
        foreach (var c in configurations) Train(c.Module, images, labels, steps: 1); // warm-up
        for (int round = 0; round < rounds; round++)
            for (int i = 0; i < configurations.Count; i++)
            {
                var (wall, cpu) = Train(configurations[i].Module, images, labels, steps);
                seconds[i].Add(wall / steps);
                cpuSeconds[i].Add(cpu / steps);
            }
        for (int i = 0; i < configurations.Count; i++)
        {
            var (name, precision, module) = configurations[i];
            var imagesPerSecond = batch / Median(seconds[i]);
            var gflops = imagesPerSecond * FlopCount.TrainingGflopsPerImage(shape);
            yield return new TrainingBenchRow(shape.Variant, name, precision, batch, imagesPerSecond, gflops, gflops / peakGflops(precision),
                batch / Median(cpuSeconds[i]));
            module.Dispose();
        }
    }

    /// <summary>
    /// Wall-clock and processor seconds for <paramref name="steps"/> SGD steps of softmax cross-entropy (the same
    /// optimizer for all).
    /// </summary>
    private static (double Wall, double Cpu) Train(nn.Module<Tensor, Tensor> module, Tensor images, Tensor labels, int steps)
    {
        using var optimizer = new OwnedScalarSgd(module.parameters(), 1e-3);
        var process = Process.GetCurrentProcess();
        var cpu = process.TotalProcessorTime;
        var watch = Stopwatch.StartNew();
        for (int i = 0; i < steps; i++)
        {
            using var scope = NewDisposeScope();
            optimizer.ZeroGrad();
            var loss = nn.functional.cross_entropy(module.forward(images), labels);
            loss.backward();
            optimizer.Step();
        }
        var wall = watch.Elapsed.TotalSeconds;
        process.Refresh();
        return (wall, (process.TotalProcessorTime - cpu).TotalSeconds);
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }

    /// <summary>
    /// Plain SGD (what TorchSharp's <c>optim.SGD</c> does without momentum or weight decay), with its learning rate an
    /// owned Scalar: TorchSharp's own step passes it as one that nothing keeps alive while libtorch reads it.
    /// </summary>
    private sealed class OwnedScalarSgd(IEnumerable<TorchSharp.Modules.Parameter> parameters, double learningRate) : IDisposable
    {
        private readonly TorchSharp.Modules.Parameter[] _parameters = [.. parameters];
        private readonly Scalar _minusRate = (-learningRate).ToScalar();

        public void ZeroGrad()
        {
            foreach (var p in _parameters) p.grad?.zero_();
        }

        public void Step()
        {
            using var noGrad = no_grad();
            foreach (var p in _parameters)
                if (p.grad is { } grad) p.add_(grad, _minusRate);
        }

        public void Dispose() => _minusRate.Dispose();
    }
}
