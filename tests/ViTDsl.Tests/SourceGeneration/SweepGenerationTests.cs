using System.Reflection;

namespace ViTDsl.Tests.SourceGeneration;

public class SweepGenerationTests
{
    private const string Source = """
        using ViTDsl;
        namespace Study;
        [Experiments]
        public static partial class Scaling
        {
            private static Experiment Baseline => new(Vit.Ti(7) with { Image = 28, Channels = 1, Classifier = new Classifier(10) });
            public static Sweep Study => Sweep.From(Baseline)
                * Axis.Of("model", (e, m) => e with { Model = m with { Image = 28, Channels = 1, Classifier = new Classifier(10) } }, Vit.Ti(7), Vit.S(7), Vit.Mu(14))
                * Axis.Of("depth", (e, d) => e with { Model = e.Model with { Depth = d } }, 1, 2);
        }
        """;

    [Fact]
    public void The_generator_expands_a_sweep_into_the_trials_it_has_at_run_time()
    {
        var assembly = GeneratorHarness.CompileAndLoad(Source);
        var generated = Assert.Single(GeneratorHarness.Sweeps(assembly));
        // Run-time evaluation of the same declaration, in this process, is the independent oracle.
        var sweep = (Sweep)assembly.GetType("Study.Scaling")!.GetProperty("Study", BindingFlags.Public | BindingFlags.Static)!.GetValue(null)!;
        var expected = sweep.Trials();

        Assert.Equal(6, generated.Trials.Count);
        Assert.Equal(expected.Select(t => "Study/" + t.Name), generated.Trials.Select(t => t.Name));
        Assert.Equal(expected.Select(t => t.Experiment), generated.Trials.Select(t => t.Declaration));
        Assert.Equal("Study/model=Ti/7,depth=1", generated.Trials[0].Name);
        Assert.All(generated.Trials, t => Assert.Equal(PlanFacts.Of(t.Declaration), t.Facts));

        foreach (var trial in generated.Trials)
        {
            using var model = trial.CreateModel(TorchSharp.torch.device("meta"));
            Assert.Equal(trial.Declaration.BuiltModel(), model.Shape);
            Assert.Equal(trial.Facts.TotalParameters, model.CountParameters());
        }
    }

    [Fact]
    public void A_sweep_gets_a_trial_time_limit_from_its_estimate_unless_it_declares_one()
    {
        var derived = Assert.Single(GeneratorHarness.Sweeps(GeneratorHarness.CompileAndLoad(Source)));
        // Independently: three forward passes per image, steps × batch images, the longest trial on this machine.
        var longest = derived.Trials.Max(t => 3 * t.Facts.ForwardGflops * 1e9 * t.Declaration.Steps * t.Declaration.Data.Batch
                                              / SweepFacts.Machine(t.Declaration.Precision).SustainedFlopsPerSecond);
        Assert.Equal(300 + 10 * longest, derived.Facts.TrialTimeLimitSeconds, 6);

        var declared = Source.Replace("public static Sweep Study => Sweep.From(Baseline)", "public static Sweep Study => (Sweep.From(Baseline)")
                             .Replace("1, 2);", "1, 2)) with { TrialTimeLimitSeconds = 42.5 };");
        var generated = Assert.Single(GeneratorHarness.Sweeps(GeneratorHarness.CompileAndLoad(declared)));
        Assert.Equal(42.5, generated.Facts.TrialTimeLimitSeconds);
        Assert.Equal(derived.Facts with { TrialTimeLimitSeconds = 42.5 }, generated.Facts);

        // An integer literal converts to the nullable double as C# would.
        Assert.Equal(600.0, Assert.Single(GeneratorHarness.Sweeps(GeneratorHarness.CompileAndLoad(declared.Replace("42.5", "600")))).Facts.TrialTimeLimitSeconds);
        var diagnostics = GeneratorHarness.Run(declared.Replace("42.5", "-1")).GeneratorDiagnostics;
        Assert.Contains(diagnostics, d => d.Id == "VIT006" && d.GetMessage().Contains("positive number of seconds"));
    }

    [Fact]
    public void An_invalid_trial_fails_the_build_naming_the_trial()
    {
        var source = Source.Replace("1, 2);", "1, 2) * Axis.Of(\"heads\", (e, h) => e with { Model = e.Model with { Heads = h } }, 3, 5);");
        var diagnostics = GeneratorHarness.Run(source).GeneratorDiagnostics;
        Assert.NotEmpty(diagnostics);
        Assert.All(diagnostics, d => Assert.Equal("VIT003", d.Id));
        Assert.Contains(diagnostics, d => d.GetMessage().Contains("Trial 'model=Ti/7,depth=1,heads=5'"));
    }
}
