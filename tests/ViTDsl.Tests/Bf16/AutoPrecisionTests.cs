using System.Text.Json;
using ViTDsl.Experiments.Fashion;
using ViTDsl.Runtime.Compute;
using ViTDsl.Runtime.Models;
using ViTDsl.Runtime.Train;
using ViTDsl.Runtime.Workers;

namespace ViTDsl.Tests.Bf16;

/// <summary>
/// <see cref="ViTDsl.Precision.Auto"/>: bf16 only where it is native and measured faster for the shape, fp32 otherwise,
/// with the capability and the measurements injected; the resolved precision is recorded and kept on resume.
/// </summary>
[Collection(SerialCollection.Name)] // trains: the trainer seeds torch's global generator and sets its thread count
public class AutoPrecisionTests : IDisposable
{
    private readonly string root = Directory.CreateTempSubdirectory("vitdsl-auto-").FullName;

    public void Dispose() => Directory.Delete(root, recursive: true);

    private static StepRate Step(ViTDsl.Precision precision, double seconds) => new(precision, FlopsPerStep: 1e9, SecondsPerStep: seconds);

    /// <summary>Measurements that say bf16 takes <paramref name="bf16"/> s a step and fp32 <paramref name="fp32"/> s.</summary>
    private static Func<ViTDsl.Precision, StepRate> Measured(double fp32, double bf16) =>
        p => Step(p, p == ViTDsl.Precision.Bf16 ? bf16 : fp32);

    [Fact]
    public void Native_bf16_is_chosen_only_when_the_shapes_step_is_faster_in_it()
    {
        var faster = PrecisionChoice.Decide(nativeBf16: true, Measured(fp32: 0.30, bf16: 0.20));
        Assert.Equal(ViTDsl.Precision.Bf16, faster.Chosen);
        Assert.Equal(0.20, faster.Rate.SecondsPerStep);
        Assert.Contains("1.50×", faster.Reason); // 0.30 ÷ 0.20

        // Native but slower (the casts of a small model's master weights cost more than its products save).
        Assert.Equal(ViTDsl.Precision.Fp32, PrecisionChoice.Decide(true, Measured(fp32: 0.20, bf16: 0.30)).Chosen);
        // Faster by less than the measurement's noise margin: fp32 (1.12×, the most a width-48 step of the main study measured).
        Assert.Equal(ViTDsl.Precision.Fp32, PrecisionChoice.Decide(true, Measured(fp32: 0.224, bf16: 0.200)).Chosen);
        // Past it (1.25×): bf16.
        Assert.Equal(ViTDsl.Precision.Bf16, PrecisionChoice.Decide(true, Measured(fp32: 0.250, bf16: 0.200)).Chosen);
    }

    [Fact]
    public void Emulated_bf16_resolves_to_fp32_without_measuring_bf16()
    {
        var decision = PrecisionChoice.Decide(nativeBf16: false,
            p => p == ViTDsl.Precision.Bf16 ? throw new InvalidOperationException("bf16 measured where it is emulated") : Step(p, 0.3));
        Assert.Equal(ViTDsl.Precision.Fp32, decision.Chosen);
        Assert.Null(decision.Bf16);
        Assert.Contains("emulated", decision.Reason);
    }

    private static GeneratedExperiment Trial(int width, long steps) => FashionMnist.SmokePlan.Entry with
    {
        Declaration = FashionMnist.Smoke with
        {
            Precision = ViTDsl.Precision.Auto, Steps = steps,
            Model = FashionMnist.Smoke.Model with { Width = width, Mlp = 4 * width },
        },
    };

    [Fact]
    public void A_sweep_resolves_each_shape_once_and_keeps_what_the_store_recorded()
    {
        var trials = new (string, GeneratedExperiment)[]
        {
            ("small-30", Trial(16, 30)), ("small-20", Trial(16, 20)), ("large-30", Trial(32, 30)), ("large-20", Trial(32, 20)),
            ("declared", FashionMnist.SmokePlan.Entry with { Declaration = FashionMnist.Smoke with { Precision = ViTDsl.Precision.Fp32 } }),
        };
        var measured = new List<(int Width, ViTDsl.Precision Precision)>();
        StepRate Measure(GeneratedExperiment e, ViTDsl.Precision p)
        {
            measured.Add((e.Declaration.Model.Width, p));
            // bf16 is faster for the large shape only.
            return Step(p, p == ViTDsl.Precision.Bf16 ? (e.Declaration.Model.Width == 32 ? 0.1 : 0.4) : 0.2);
        }

        var fresh = TrialPrecisions.Resolve(trials, new Dictionary<string, ViTDsl.Precision>(), nativeBf16: true, Measure);
        Assert.Equal(ViTDsl.Precision.Fp32, fresh["small-30"].Resolved);
        Assert.Equal(ViTDsl.Precision.Fp32, fresh["small-20"].Resolved);
        Assert.Equal(ViTDsl.Precision.Bf16, fresh["large-30"].Resolved);
        Assert.Equal(ViTDsl.Precision.Bf16, fresh["large-20"].Resolved);
        Assert.Equal(0.1, fresh["large-20"].Rate.SecondsPerStep); // the estimate gets the chosen precision's step
        Assert.Equal(ViTDsl.Precision.Fp32, fresh["declared"].Resolved);
        Assert.Null(fresh["declared"].Reason);
        // Once per shape and precision: smoke width 24 (declared fp32) in fp32 only.
        Assert.Equal(5, measured.Count);
        Assert.Equal(measured.Count, measured.Distinct().Count());

        // A resume: the store recorded the large shape in fp32 (e.g. decided on another machine). The measurement now
        // says bf16, but the shape keeps fp32, for the trial recorded and for its lineage's other durations.
        var resumed = TrialPrecisions.Resolve(trials, new Dictionary<string, ViTDsl.Precision> { ["large-30"] = ViTDsl.Precision.Fp32 }, true, Measure);
        Assert.Equal(ViTDsl.Precision.Fp32, resumed["large-30"].Resolved);
        Assert.Equal(ViTDsl.Precision.Fp32, resumed["large-20"].Resolved);
        Assert.Contains("as recorded", resumed["large-20"].Reason);
    }

    [Fact]
    public void The_resolved_precision_is_in_the_trials_spec_and_lineage_and_a_declared_one_leaves_old_specs_unchanged()
    {
        var auto = Trial(16, 30);
        var bf16 = TrainingTrial.Of(auto, threads: 1, testImages: null, ViTDsl.Precision.Bf16);
        var fp32 = TrainingTrial.Of(auto, threads: 1, testImages: null, ViTDsl.Precision.Fp32);
        Assert.Equal("bf16", bf16.Precision);
        Assert.NotEqual(bf16.Lineage, fp32.Lineage); // checkpoints of one precision never continue in the other
        Assert.Equal(TrainingTrial.LineageDigest(auto.Declaration with { Precision = ViTDsl.Precision.Bf16 }), bf16.Lineage);

        var stored = JsonSerializer.Deserialize<TrainingTrial>(JsonSerializer.Serialize(bf16, TrainingTrial.Json), TrainingTrial.Json)!;
        Assert.Equal(ViTDsl.Precision.Bf16, stored.TrainsIn(ViTDsl.Precision.Auto));

        var declared = FashionMnist.SmokePlan.Entry;
        var spec = JsonSerializer.Serialize(TrainingTrial.Of(declared, 1, null, ViTDsl.Precision.Bf16), TrainingTrial.Json);
        Assert.Equal(JsonSerializer.Serialize(TrainingTrial.Of(declared, 1, null), TrainingTrial.Json), spec);
        Assert.DoesNotContain("precision", spec);
    }

    [Fact]
    public void A_run_resumed_in_auto_continues_in_the_precision_it_started_in_and_records_it()
    {
        var experiment = Trial(24, 30); // the smoke model's own width: this one trains
        var options = new TrainingOptions(root) { LogEvery = 1, CheckpointEvery = 5, FewShot = null, Threads = 1 };
        var bf16Faster = (GeneratedExperiment _, ViTDsl.Precision p) => Step(p, p == ViTDsl.Precision.Bf16 ? 0.1 : 0.2);
        var fp32Faster = (GeneratedExperiment _, ViTDsl.Precision p) => Step(p, p == ViTDsl.Precision.Bf16 ? 0.4 : 0.2);

        var first = RunPrecision.Resolve(experiment, options, null, nativeBf16: true, bf16Faster);
        Assert.Equal(ViTDsl.Precision.Bf16, first.Declaration.Precision);
        using (var stop = new CancellationTokenSource())
            Assert.ThrowsAny<OperationCanceledException>(() => Trainer.Run(first, options, new StopAt(12, stop), stop.Token));

        // The second attempt measures fp32 as faster, but the run's lineage has bf16 checkpoints: it continues in bf16.
        var second = RunPrecision.Resolve(experiment, options, null, nativeBf16: true, fp32Faster);
        Assert.Equal(ViTDsl.Precision.Bf16, second.Declaration.Precision);
        var result = Trainer.Run(second, options);
        Assert.Equal(12, result.ResumedFrom);
        Assert.Equal("bf16", result.Precision);
        Assert.False(Directory.Exists(new RunLayout(root, experiment.Declaration with { Precision = ViTDsl.Precision.Fp32 }).LineageDirectory));

        // Without files of its own, the same experiment on an emulating CPU resolves to fp32.
        var elsewhere = options with { Root = Path.Combine(root, "elsewhere") };
        Assert.Equal(ViTDsl.Precision.Fp32, RunPrecision.Resolve(experiment, elsewhere, null, nativeBf16: false, bf16Faster).Declaration.Precision);
    }

    [Fact]
    public void A_model_is_never_built_in_an_unresolved_precision()
    {
        var error = Assert.Throws<InvalidOperationException>(() => Trial(16, 30).CreateModel(null));
        Assert.Contains("resolve it first", error.Message);
    }

    private sealed class StopAt(long step, CancellationTokenSource stop) : ITrainingObserver
    {
        public void Stepped(long at, double loss, double imagesPerSecond) { if (at == step) stop.Cancel(); }
    }
}
