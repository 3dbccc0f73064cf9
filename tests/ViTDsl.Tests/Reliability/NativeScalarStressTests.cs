using System.Collections.Concurrent;
using TorchSharp.Modules;
using ViTDsl.Runtime.Eval;
using ViTDsl.Runtime.Models;
using ViTDsl.Runtime.Optim;
using ViTDsl.Runtime.Train;
using ViTDsl.Tests.Optim;
using static TorchSharp.torch;

namespace ViTDsl.Tests.Reliability;

/// <summary>
/// The Runtime's hot paths on several threads while another thread forces garbage collections and runs finalizers
/// as fast as it can. A TorchSharp object whose handle was passed to native code but that nothing references any
/// more (an implicitly converted <c>Scalar</c>: <c>t.mul_(0.9)</c>, <c>add_(u, alpha: x)</c>, <c>t + 1e-6</c>) can then
/// be finalized — its native memory freed — while libtorch still reads it: libtorch throws (<c>INTERNAL ASSERT FAILED
/// at c10/core/Scalar.h</c>, <c>Unknown scalar type.</c>, <c>Expected false to be true</c>) or silently computes with
/// another value. The oracle is the same work done first on one thread without the collector: every result must be
/// bit-identical, and nothing may throw.
/// </summary>
[Collection(SerialCollection.Name)] // it loads every core, and its collector thread would slow timing-sensitive tests
public class NativeScalarStressTests
{
    private static readonly (string Name, Optimizer Optimizer, Loss Loss)[] Cases =
    [
        ("adafactor", new Optimizer.Adafactor(), new Loss.Sigmoid()),
        ("adam", new Optimizer.Adam(), new Loss.Softmax()),
        ("adam-bf16", new Optimizer.Adam { FirstMoment = StateDtype.Bf16 }, new Loss.Sigmoid()),
        ("sgd", new Optimizer.Sgd(), new Loss.Softmax()),
        ("adafactor-clip", new Optimizer.Adafactor { Momentum = null, ClipThreshold = 0.5 }, new Loss.Sigmoid()),
    ];

    private static readonly Vit Model = new(Patch: 4, Width: 16, Depth: 1, Mlp: 32, Heads: 2)
    {
        Image = 8, Channels = 1, Pool = new Pool.Map(), Classifier = new Classifier(4),
    };

    private static readonly object InitLock = new(); // torch's global generator seeds the layers' initialisation

    /// <summary>
    /// The chain's steps on large bfloat16 parameters. libtorch widens such a parameter to float32 before it reads the
    /// step's <c>alpha</c>, which opens a window of about a millisecond in which a collected Scalar is freed under it:
    /// the race that sweeps hit a few times per hundred trials becomes one that shows in seconds. SGD without momentum,
    /// decay or clipping keeps the rest of the step cheap; the other test runs every rule, decay and clipping.
    /// </summary>
    [Fact]
    public void Optimizer_steps_under_constant_garbage_collection_equal_a_quiet_run_bit_for_bit()
    {
        const int threads = 3, runs = 5, steps = 20;
        var sgd = new Optimizer.Sgd { Momentum = 0 };
        var reference = ChainSteps(sgd, steps);
        var failures = UnderCollection(threads, _ => Enumerable.Range(0, runs)
            .Select(_ => ("sgd", (Func<float[][]>)(() => ChainSteps(sgd, steps)), reference)));
        Assert.True(failures.Count == 0, $"{failures.Count} of {threads * runs} runs failed:\n" + string.Join("\n", failures));
    }

    /// <summary>Training a small ViT (layers, losses, every chain) and a ridge probe on its features, on several threads.</summary>
    [Fact]
    public void Training_and_probing_under_constant_garbage_collection_equal_a_quiet_run_bit_for_bit()
    {
        const int threads = 2, steps = 5;
        var reference = Cases.Select((_, i) => TrainAndProbe(i, steps)).ToList();
        var failures = UnderCollection(threads, worker => Cases.Select((_, i) => (i + worker) % Cases.Length)
            .Select(c => (Cases[c].Name, (Func<float[][]>)(() => TrainAndProbe(c, steps)), reference[c])));
        Assert.True(failures.Count == 0, $"{failures.Count} of {threads * Cases.Length} runs failed:\n" + string.Join("\n", failures));
    }

    /// <summary>Runs each worker's jobs on its own thread while a collector thread runs; returns what failed.</summary>
    private static List<string> UnderCollection(int threads, Func<int, IEnumerable<(string Name, Func<float[][]> Run, float[][] Expected)>> jobs)
    {
        var failures = new ConcurrentQueue<string>();
        using var stop = new CancellationTokenSource();
        var collector = new Thread(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                GC.Collect();
                GC.WaitForPendingFinalizers();
            }
        }) { IsBackground = true };
        collector.Start();
        var workers = Enumerable.Range(0, threads).Select(w => new Thread(() =>
        {
            foreach (var (name, run, expected) in jobs(w))
            {
                try
                {
                    var actual = run();
                    if (Difference(actual, expected) is { } difference) failures.Enqueue($"{name}: {difference}");
                }
                catch (Exception e)
                {
                    failures.Enqueue($"{name}: {e.GetType().Name}: {e.Message.Split("\n")[0]} @ {string.Join(" <- ", (e.StackTrace ?? "").Split("\n").Take(4).Select(l => l.Trim()))}");
                }
            }
        })).ToList();
        workers.ForEach(t => t.Start());
        workers.ForEach(t => t.Join());
        stop.Cancel();
        collector.Join();
        return failures.ToList();
    }

    /// <summary>Steps of a chain over two bfloat16 parameters of half a million elements; their final values.</summary>
    private static float[][] ChainSteps(Optimizer optimizer, int steps)
    {
        var generator = new Generator(100);
        var groups = new[] { ParameterGroup.HeadKernel, ParameterGroup.BodyKernel };
        var parameters = groups.Select((group, i) => new NamedParameter($"p{i}",
            new Parameter(randn([512, 1024], generator: generator).to_type(ScalarType.BFloat16)), group)).ToList();
        try
        {
            using var chain = new OptimizerChain(new ParameterGroups(parameters), optimizer, learningRate: 1e-2,
                headDecay: 0, bodyDecay: 0, gradientClipNorm: null);
            foreach (var p in parameters)
            {
                using var grad = randn([512, 1024], generator: generator);
                p.Value.grad = grad.to_type(ScalarType.BFloat16);
            }
            for (var step = 0; step < steps; step++) chain.Step(schedule: (step + 1.0) / steps);
            return parameters.Select(p => p.Value.detach().to_type(ScalarType.Float32).data<float>().ToArray()).ToArray();
        }
        finally
        {
            foreach (var p in parameters) p.Value.Dispose();
        }
    }

    /// <summary>A few training steps of one case, then a ridge probe on the trained features.</summary>
    private static float[][] TrainAndProbe(int caseIndex, int steps)
    {
        var (_, optimizer, loss) = Cases[caseIndex];
        AssembledVit model;
        lock (InitLock)
        {
            manual_seed(11 + caseIndex);
            model = new AssembledVit(Model);
        }
        using var _ = model;
        var experiment = new Experiment(Model) { Optimizer = optimizer, Loss = loss, LearningRate = 1e-2 };
        using var chain = OptimizerChain.For(experiment, model);
        var generator = new Generator(100 + (ulong)caseIndex);
        var losses = new List<float>();
        for (var step = 0; step < steps; step++)
        {
            using var scope = NewDisposeScope();
            var images = randn([8, 1, 8, 8], generator: generator);
            var labels = randint(0, 4, [8], generator: generator);
            var value = Losses.Of(loss, model.forward(images), labels);
            chain.ZeroGrad();
            value.backward();
            chain.Step(schedule: (step + 1.0) / steps);
            losses.Add(value.item<float>());
        }

        using var probeScope = NewDisposeScope();
        using var noGrad = no_grad();
        var poolImages = randn([24, 1, 8, 8], generator: generator);
        var poolLabels = randint(0, 4, [24], generator: generator);
        var features = model.forward(poolImages);
        using var probe = RidgeProbe.Fit(features, poolLabels, classes: 4);
        var scores = probe.Scores(features).to_type(ScalarType.Float32).data<float>().ToArray();
        var parameters = model.parameters().SelectMany(p => p.detach().data<float>().ToArray()).ToArray();
        return [losses.ToArray(), parameters, scores];
    }

    /// <summary>Where two results differ (bit for bit, NaN equal to NaN: a freed Scalar can give any value), or null.</summary>
    private static string? Difference(float[][] actual, float[][] expected)
    {
        for (var part = 0; part < expected.Length; part++)
        {
            var differing = actual[part].Zip(expected[part]).Count(p => !p.First.Equals(p.Second));
            if (differing > 0 || actual[part].Length != expected[part].Length)
                return $"result {part}: {differing} of {expected[part].Length} values differ from the quiet run";
        }
        return null;
    }
}
