using ViTDsl.Cli;
using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Text.Json;
using ViTDsl.Experiments.Findings;
using ViTDsl.Runtime.Analysis.Findings;
using ViTDsl.Runtime.Compute;
using ViTDsl.Runtime.Models;
using ViTDsl.Runtime.Store;
using ViTDsl.Runtime.Workers;

namespace ViTDsl.Experiments.Tools;

/// <summary>How `vitdsl findings` runs its studies.</summary>
/// <param name="Train">False with --no-train: judge the finished trials only.</param>
public sealed record StudySettings(string Root, int Workers, int TestImages, bool AcceptChangedRule, bool Train, TextWriter Console);

/// <summary>
/// One study of `vitdsl findings`, in the order that keeps its verdicts honest: fix each finding's protocol in the
/// store, run the pilot seeds, plan the seeds from the pilot's spread, run the planned seeds, then judge.
/// </summary>
internal static class StudyRun
{
    /// <summary>The store record that accumulates a study's training wall time over the invocations that ran trials.</summary>
    public const string WallRecord = "findings/wall_seconds";

    /// <summary>The study's input and its findings' sections; null when interrupted.</summary>
    public static async Task<(FindingInput Input, IReadOnlyList<FindingSection> Sections)?> RunAsync(
        ResultsStore store, GeneratedSweep sweep, IReadOnlyList<Finding> findings, StudySettings settings, CancellationToken cancellation)
    {
        var planning = SeedPlanning.Of(sweep);
        var checks = findings.ToDictionary(f => f.Name, f => ProtocolStore.Check(store, sweep.Name,
            f.ProtocolFor(sweep, settings.TestImages, planning), settings.AcceptChangedRule, persist: settings.Train));
        if (settings.Train && !await TrainAsync(store, sweep, planning.First(planning.PilotSeeds), settings, cancellation)) return null;
        var plan = StudySeeds.Plan(Input(store, sweep, planning.First(planning.PilotSeeds), settings), findings);
        var seeds = planning.First(plan.Seeds);
        settings.Console.WriteLine($"{sweep.Name}: pilot {planning.PilotSeeds} seed(s); plan {plan.Seeds} of {planning.MaxSeeds} declared");
        if (settings.Train && plan.Seeds > planning.PilotSeeds && !await TrainAsync(store, sweep, seeds, settings, cancellation)) return null;
        var input = Input(store, sweep, seeds, settings);
        if (findings.Select(f => f.UntrainedBaseline).OfType<Func<FindingTrial, bool>>().ToList() is { Count: > 0 } baselines)
            input = input with { Untrained = UntrainedProbe.Of(store, sweep, input.Trials.Where(t => baselines.Any(b => b(t))), settings.TestImages, measure: settings.Train) };
        var sections = new List<FindingSection>();
        var mixed = MixedPrecision.Warnings(input.Trials);
        foreach (var warning in mixed) settings.Console.WriteLine($"{sweep.Name}: {warning}");
        foreach (var finding in findings)
        {
            try
            {
                var section = finding.Judge(input);
                sections.Add(section with
                {
                    Registration = checks[finding.Name],
                    Plans = plan.Plans.GetValueOrDefault(finding.Name) ?? [],
                    Notes = [.. mixed, .. section.Notes],
                });
            }
            catch (ArgumentException e) { settings.Console.WriteLine($"finding {finding.Name}: not judged yet: {e.Message}"); }
        }
        return (input, sections);
    }

    // The finished trials of the given seeds.
    private static FindingInput Input(ResultsStore store, GeneratedSweep sweep, IReadOnlySet<long> seeds, StudySettings settings) =>
        new(sweep, FindingTrial.Load(store, sweep).Where(t => seeds.Contains(t.Seed)).ToList(), WallTime(store, sweep.Name), settings.TestImages);

    // Trains the trials of the given seeds (and any of the study's trials the store already holds, which a runner must
    // see declared); false when interrupted.
    private static async Task<bool> TrainAsync(ResultsStore store, GeneratedSweep sweep, IReadOnlySet<long> seeds, StudySettings settings, CancellationToken cancellation)
    {
        int threads = Math.Max(1, Environment.ProcessorCount / settings.Workers);
        var runner = new SweepRunner(store, new SweepRunnerOptions
        {
            Worker = WorkerCommand.Dotnet(Assembly.GetEntryAssembly()!.Location, "worker"),
            RunRoot = settings.Root,
            Parallelism = settings.Workers,
            TrialTimeLimit = TimeSpan.FromSeconds(sweep.Facts.TrialTimeLimitSeconds),
        });
        var stored = store.Trials(sweep.Name).ToDictionary(t => t.Name, t => t.SpecJson);
        var chosen = SweepPlan.Ordered(sweep).Select(t => (Name: SweepPlan.TrialName(sweep, t), Experiment: t))
            .Where(t => seeds.Contains(t.Experiment.Declaration.Data.Seed) || stored.ContainsKey(t.Name)).ToList();
        var precisions = ResolvePrecisions(store, sweep, chosen.Where(t => !stored.ContainsKey(t.Name)).ToList(), threads, settings.Console);
        // A stored trial keeps its stored spec (with the precision it was planned in); a new one gets its shape's resolution.
        var definition = new SweepDefinition(sweep.Name, chosen.Select(t => new SweepTrial(t.Name, stored.TryGetValue(t.Name, out var spec)
            ? JsonDocument.Parse(spec).RootElement.Clone()
            : JsonSerializer.SerializeToElement(TrainingTrial.Of(t.Experiment, threads, settings.TestImages > 0 ? settings.TestImages : null, precisions[t.Name].Resolved), TrainingTrial.Json))).ToList());
        settings.Console.WriteLine($"{sweep.Name}: {chosen.Count} of {sweep.Trials.Count} trials (seeds {string.Join(", ", seeds.Order())}), {settings.Workers} worker(s) × {threads} thread(s)");
        var clock = Stopwatch.StartNew();
        var summary = await runner.RunAsync(definition, null, cancellation);
        if (summary.Cancelled) return false;
        int trained = summary.Succeeded - summary.Skipped; // Succeeded counts every finished trial, reused ones too
        if (trained > 0)
        {
            // Only invocations that trained count, so a rerun that reuses every trial does not dilute the wall time.
            double before = store.Fits(sweep.Name).TryGetValue(WallRecord, out var json) ? JsonSerializer.Deserialize<double>(json) : 0;
            store.RecordFit(sweep.Name, WallRecord, JsonSerializer.Serialize(before + clock.Elapsed.TotalSeconds));
        }
        settings.Console.WriteLine($"{sweep.Name}: {trained} trained, {summary.Skipped} reused, {summary.Failed} failed in {clock.Elapsed.TotalSeconds:F0} s");
        if (summary.Failed > 0) settings.Console.WriteLine($"warning: {summary.Failed} trial(s) of {sweep.Name} failed; their findings use the seeds that finished (see the store's logs).");
        return true;
    }

    /// <summary>
    /// Resolves <see cref="Precision.Auto"/> once per model shape for the whole study, as `sweep` does, keeping what the
    /// store recorded for a shape: every seed of a shape trains in one precision. Resolved where each trial trained, a
    /// shape measured near the margin trained in bf16 on one seed and in fp32 on the others.
    /// </summary>
    private static IReadOnlyDictionary<string, TrialPrecision> ResolvePrecisions(ResultsStore store, GeneratedSweep sweep,
        IReadOnlyList<(string Name, GeneratedExperiment Experiment)> planned, int threads, TextWriter console)
    {
        if (planned.Count == 0) return new Dictionary<string, TrialPrecision>();
        TorchSharp.torch.set_num_threads(threads); // each shape's step is measured at the workers' threads
        var precisions = TrialPrecisions.Resolve(planned, SweepStartup.RecordedPrecisions(store, sweep.Name), CpuFeatures.OfThisMachine().HasNativeBf16, (e, p) => StepRate.Measure(e, p));
        foreach (var decision in SweepStartup.DecisionsOf(planned, precisions)) console.WriteLine($"{sweep.Name}: Precision.Auto: {decision}");
        return precisions;
    }

    private static string? WallTime(ResultsStore store, string sweep) =>
        store.Fits(sweep).TryGetValue(WallRecord, out var json)
            ? $"`{sweep}` trained in {JsonSerializer.Deserialize<double>(json).ToString("F0", CultureInfo.InvariantCulture)} s of wall time on this machine (all invocations that trained it)."
            : null;
}
