using System.Diagnostics;
using System.Text.Json;
using ViTDsl.Runtime.Compute;
using ViTDsl.Runtime.Models;
using ViTDsl.Runtime.Store;
using ViTDsl.Runtime.Workers;
using static TorchSharp.torch;

namespace ViTDsl.Cli;

/// <summary>
/// What `sweep` measures before its trials start, at the threads its workers train with: each trial's precision
/// (<see cref="Precision.Auto"/> resolved per model shape, or kept as the store recorded it on a resume), each shape's
/// training step, the matmul peak of the precisions used, and from them the wall-time estimate.
/// </summary>
/// <param name="Precisions">Each trial's precision and its shape's measured step, by trial name (without the sweep's prefix).</param>
/// <param name="Fp32Peak">The fp32 matmul peak of all workers.</param>
/// <param name="Bf16Peak">The bf16 peak, where a trial trains in bf16 or the CPU has bf16 instructions.</param>
/// <param name="Estimate">The wall-time estimate.</param>
/// <param name="Decisions">One line per model shape whose precision was resolved here: what Auto chose and why.</param>
/// <param name="Slowdown">How much slower a step ran with every worker's step running at once than alone (<see cref="StepRate.SlowdownTogether"/>); the estimate includes it.</param>
internal sealed record SweepStartup(IReadOnlyDictionary<string, TrialPrecision> Precisions, MatmulPeak Fp32Peak, MatmulPeak? Bf16Peak,
    SweepTimeEstimate Estimate, IReadOnlyList<string> Decisions, double Slowdown)
{
    /// <param name="ordered">The trials in the order the runner starts them, named without the sweep's prefix.</param>
    public static SweepStartup Measure(string sweep, IReadOnlyList<(string Name, GeneratedExperiment Experiment)> ordered, ResultsStore store,
        int workers, int threads, int? testImages)
    {
        var clock = Stopwatch.StartNew();
        set_num_threads(threads);
        var cpu = CpuFeatures.OfThisMachine();
        var precisions = TrialPrecisions.Resolve(ordered, RecordedPrecisions(store, sweep), cpu.HasNativeBf16, (e, p) => StepRate.Measure(e, p));
        var products = ordered.SelectMany(t => MatmulPeak.ProductsOf(t.Experiment.Declaration.Model, t.Experiment.Declaration.Data.Batch)).Distinct().ToList();
        var fp32 = MatmulPeak.Measure(Precision.Fp32, threads, workers, products, repeats: 3);
        var bf16 = cpu.HasNativeBf16 || precisions.Values.Any(p => p.Resolved == Precision.Bf16)
            ? MatmulPeak.Measure(Precision.Bf16, threads, workers, products, repeats: 3) : null;
        // The workers' steps share the machine: measured on the most expensive shape, applied to all.
        var costliest = ordered.MaxBy(t => TrainingCompute.Of(t.Experiment.Declaration, t.Experiment.Declaration.Steps * t.Experiment.Declaration.Data.Batch).Flops);
        double slowdown = costliest.Experiment is null ? 1 : StepRate.SlowdownTogether(costliest.Experiment, precisions[costliest.Name].Rate, workers); // its lone step was measured above
        var resolved = ordered.Select(t => (t.Name, t.Experiment.Declaration with { Precision = precisions[t.Name].Resolved }, precisions[t.Name].Rate.Slowed(slowdown))).ToList();
        var done = store.Trials(sweep).Where(t => t.Status == TrialStatus.Succeeded).Select(t => t.Name).ToHashSet(); // a resumed sweep runs only the rest
        var estimate = SweepTimeEstimate.Of(resolved, workers, testImages, clock.Elapsed.TotalSeconds + SweepTimeEstimate.DefaultReportSeconds, done: done);
        return new SweepStartup(precisions, fp32, bf16, estimate, DecisionsOf(ordered, precisions), slowdown);
    }

    /// <summary>The matmul peak of <paramref name="precision"/> (all workers).</summary>
    public double PeakGflops(Precision precision) => precision == Precision.Bf16 && Bf16Peak is not null ? Bf16Peak.Gflops : Fp32Peak.Gflops;

    /// <summary>The rates in the form the bf16-emulation notice reads (per worker).</summary>
    public PrecisionRates Rates => new(Fp32Peak.Gflops / Fp32Peak.Trainers, (Bf16Peak?.Gflops ?? 0) / Fp32Peak.Trainers, CpuFeatures.OfThisMachine());

    /// <summary>One line per model shape whose precision Auto resolved: the shape and why.</summary>
    public static IReadOnlyList<string> DecisionsOf(IReadOnlyList<(string Name, GeneratedExperiment Experiment)> trials, IReadOnlyDictionary<string, TrialPrecision> precisions) =>
        trials.Where(t => precisions[t.Name].Reason is not null)
            .GroupBy(t => TrialPrecisions.ShapeOf(t.Experiment.Declaration))
            .Select(g => $"{g.First().Experiment.Declaration.Model.Variant} (batch {g.First().Experiment.Declaration.Data.Batch}): {precisions[g.First().Name].Reason}")
            .ToList();

    /// <summary>The precisions the store recorded for the sweep's trials (resolved Auto declarations), by trial name.</summary>
    public static Dictionary<string, Precision> RecordedPrecisions(ResultsStore store, string sweep)
    {
        var recorded = new Dictionary<string, Precision>();
        foreach (var trial in store.Trials(sweep))
        {
            TrainingTrial? spec;
            try { spec = JsonSerializer.Deserialize<TrainingTrial>(trial.SpecJson, TrainingTrial.Json); }
            catch (JsonException) { continue; } // not a training trial: nothing recorded about precision
            if (ViTDsl.Precisions.FromLabel(spec?.Precision) is { } p && p.IsResolved()) recorded[trial.Name] = p;
        }
        return recorded;
    }
}
