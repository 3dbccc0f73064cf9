using System.Runtime.InteropServices;
using ViTDsl.Runtime.Models;
using ViTDsl.Runtime.Optim;
using ViTDsl.Runtime.Train;
using static TorchSharp.torch;

namespace ViTDsl.Runtime.Compute;

/// <summary>
/// The measured speed of one model shape's training step in one precision: the declared FLOPs of a step
/// (<see cref="TrainingCompute"/>, the one compute formula) over the seconds it took. This, not the square-matmul rate,
/// is what a sweep's time estimate divides its compute by and what <see cref="Precision.Auto"/> decides on: the
/// casts of master weights and the small products of a small model decide whether bf16 pays, not the peak.
/// </summary>
/// <param name="Precision">The precision the step ran in.</param>
/// <param name="FlopsPerStep">Declared training FLOPs of one step (3 × forward × batch).</param>
/// <param name="SecondsPerStep">Best of the timed steps (see <see cref="Measure"/>).</param>
internal sealed record StepRate(Precision Precision, double FlopsPerStep, double SecondsPerStep)
{
    /// <summary>Declared FLOPs per second of this step.</summary>
    public double Gflops => FlopsPerStep / SecondsPerStep / 1e9;

    /// <summary>This step <paramref name="factor"/> times slower (steps that share the machine, <see cref="SlowdownTogether"/>).</summary>
    public StepRate Slowed(double factor) => this with { SecondsPerStep = SecondsPerStep * factor };

    /// <summary>
    /// How much slower <paramref name="generated"/>'s step runs when <paramref name="copies"/> of it train at once, as a
    /// sweep's workers do, than alone: the slowest concurrent copy's step over the lone step (at least 1). A sweep's
    /// workers share caches and memory bandwidth, so each trains slower than its shape measured alone: on the 2-core AMD
    /// EPYC the main study's steps ran about 1.35× slower in the sweep than measured alone, and its estimate missed by
    /// +22% to +34%. Copies run on threads of this process, so each step counts its wall time. A copy that cannot run
    /// (e.g. out of memory with several models at once) leaves the factor at 1: the estimate is then the lone one.
    /// </summary>
    /// <param name="alone">The shape's step measured alone, in the precision the copies run in; the factor scales it.</param>
    public static double SlowdownTogether(GeneratedExperiment generated, StepRate alone, int copies)
    {
        if (copies <= 1) return 1;
        var precision = alone.Precision;
        var together = new double[copies];
        using var start = new Barrier(copies);
        var threads = Enumerable.Range(0, copies).Select(i => new Thread(() =>
        {
            start.SignalAndWait();
            try { together[i] = Measure(generated, precision).SecondsPerStep; }
            catch (Exception e) when (e is OutOfMemoryException or ExternalException or InvalidOperationException) { together[i] = double.NaN; }
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());
        return together.Any(double.IsNaN) ? 1 : Math.Max(1, together.Max() / alone.SecondsPerStep);
    }

    /// <summary>
    /// Times full training steps (forward, the declared loss, backward, the declared optimizer) of
    /// <paramref name="generated"/>'s shape at its batch in <paramref name="precision"/>, on synthetic images, with the
    /// threads torch is set to use now: one warm-up step, then the best of <paramref name="timedSteps"/>. Each step
    /// counts the smaller of its wall time and its processor time per thread, so a machine busy with other work
    /// measures what the step costs on an idle one.
    /// </summary>
    public static StepRate Measure(GeneratedExperiment generated, Precision precision, int timedSteps = 3)
    {
        NativeHeap.FixThresholds(); // measure the step as training runs it
        var experiment = generated.Declaration with { Precision = precision };
        var model = experiment.Model;
        int batch = experiment.Data.Batch, threads = Math.Max(1, get_num_threads());
        using var scope = NewDisposeScope();
        using var module = (generated with { Declaration = experiment }).CreateModel(null);
        using var chain = OptimizerChain.For(experiment, module);
        var images = randn(batch, model.Channels, model.Image, model.Image);
        var labels = randint(0, model.Classifier.Classes, [batch], dtype: ScalarType.Int64);
        void Step()
        {
            using var inner = NewDisposeScope();
            var loss = Losses.Of(experiment.Loss, module.forward(images), labels);
            chain.ZeroGrad();
            loss.backward();
            chain.Step(1.0);
        }
        Step();
        var best = double.PositiveInfinity;
        for (int i = 0; i < Math.Max(1, timedSteps); i++) best = Math.Min(best, ProcessorTime.IdleSeconds(Step, threads));
        return new StepRate(precision, TrainingCompute.Of(experiment, imagesSeen: batch).Flops, Math.Max(best, 1e-9));
    }
}
