using ViTDsl.Cli;
using System.Diagnostics;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

using ViTDsl.Runtime.Optim;

namespace ViTDsl.Experiments.Bench;

/// <summary>One optimizer's measurements in an <see cref="OptimizerBenchmark"/> run.</summary>
/// <param name="Name">Short label.</param>
/// <param name="MedianStepSeconds">Median wall time of one update over all parameters.</param>
/// <param name="StateBytes">Bytes of optimizer state tensors actually held.</param>
/// <param name="FormulaBytes">The Dsl's <see cref="OptimizerMemory"/> bytes (null for torch's own Adam).</param>
public sealed record OptimizerMeasurement(string Name, double MedianStepSeconds, long StateBytes, long? FormulaBytes);

/// <summary>
/// Times one update step and measures the state memory of each optimizer chain on a real-sized parameter set
/// (every tensor of a <see cref="Vit"/>, random values and gradients), against TorchSharp's built-in Adam. Steps
/// are interleaved round by round so that a busy machine slows every optimizer alike, and medians are reported.
/// </summary>
public static class OptimizerBenchmark
{
    public const string Baseline = "torch Adam";

    /// <summary>The optimizers compared with the baseline, with the paper's chain settings (clip 1.0, decay 3.0/0.03).</summary>
    public static IReadOnlyList<(string Name, Optimizer Optimizer)> Candidates { get; } =
    [
        ("Adam", new Optimizer.Adam()),
        ("Adam bf16 μ", new Optimizer.Adam { FirstMoment = StateDtype.Bf16 }),
        ("Adafactor", new Optimizer.Adafactor()),
        ("SGD bf16 momentum", new Optimizer.Sgd()),
    ];

    public static IReadOnlyList<OptimizerMeasurement> Run(Vit model, int rounds, int warmup = 1)
    {
        if (rounds < 1) throw new ArgumentOutOfRangeException(nameof(rounds), rounds, "Give at least one timed round.");
        using var scope = NewDisposeScope();
        var generator = new Generator(0);
        var shapes = ParameterShapes.Of(model);
        using Scalar weightScale = 0.02, gradientScale = 1e-3; // owned: see Scalars
        var parameters = shapes.Select(s =>
        {
            var p = new Parameter(randn(s.Dims.ToArray(), generator: generator).mul_(weightScale));
            p.grad = randn(s.Dims.ToArray(), generator: generator).mul_(gradientScale);
            return new NamedParameter(s.Name, p, s.Group, s.Layout);
        }).ToList();
        var groups = new ParameterGroups(parameters);
        var experiment = new Experiment(model);
        var lr = experiment.LearningRate;

        using var baseline = optim.Adam(parameters.Select(p => p.Value), lr: lr);
        var chains = Candidates.Select(c => new OptimizerChain(groups, c.Optimizer, lr,
            experiment.WeightDecay.Coefficient(ParameterGroup.HeadKernel, lr), experiment.WeightDecay.Coefficient(ParameterGroup.BodyKernel, lr),
            experiment.GradientClipNorm)).ToList();
        try
        {
            var steps = new List<Action> { () => baseline.step() };
            steps.AddRange(chains.Select(chain => (Action)(() => chain.Step(1.0))));
            var times = steps.Select(_ => new List<double>()).ToList();
            for (var round = 0; round < warmup + rounds; round++)
                for (var i = 0; i < steps.Count; i++)
                {
                    var clock = Stopwatch.StartNew();
                    steps[i]();
                    if (round >= warmup) times[i].Add(clock.Elapsed.TotalSeconds);
                }

            var results = new List<OptimizerMeasurement> { new(Baseline, Median(times[0]), BuiltInAdamBytes(baseline), null) };
            for (var i = 0; i < chains.Count; i++)
                results.Add(new(Candidates[i].Name, Median(times[i + 1]), chains[i].StateBytes, OptimizerMemory.StateBytes(Candidates[i].Optimizer, shapes)));
            return results;
        }
        finally
        {
            foreach (var chain in chains) chain.Dispose();
        }
    }

    private static long BuiltInAdamBytes(optim.Optimizer adam) =>
        adam is OptimizerHelper helper
            ? helper.state_dict().State.OfType<Adam.State>().Sum(s => Bytes(s.exp_avg) + Bytes(s.exp_avg_sq) + Bytes(s.max_exp_avg_sq))
            : throw new InvalidOperationException("torch's Adam no longer exposes its state; update the benchmark.");

    private static long Bytes(Tensor? t) => t is null || t.IsInvalid ? 0 : t.numel() * t.element_size();

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        var n = sorted.Count;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }
}
