using System.CommandLine;
using ViTDsl.Cli;
using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Text.Json;
using ViTDsl.Experiments.Findings;
using ViTDsl.Runtime.Analysis;
using ViTDsl.Runtime.Analysis.Findings;
using ViTDsl.Runtime.Compute;
using ViTDsl.Runtime.Models;
using ViTDsl.Runtime.Store;
using ViTDsl.Runtime.Workers;

namespace ViTDsl.Experiments.Tools;

/// <summary>
/// `vitdsl findings [NAME…]`: runs the study behind each named finding of the paper (all by default) crash-safely in
/// worker processes, reusing every trial the results store already holds, then judges each claim by its rule and
/// writes the report with its figures. Killing it loses nothing; running it again resumes.
/// </summary>
public static class FindingsCommand
{
    /// <summary>The store record that accumulates a study's training wall time over the invocations that ran trials.</summary>
    public const string WallRecord = "findings/wall_seconds";

    public static Command Create(IReadOnlyList<GeneratedSweep> sweeps)
    {
        var names = new Argument<string[]>("name") { Description = $"Findings to check (default: all): {string.Join(", ", FindingCatalog.All.Select(f => f.Name))}.", Arity = ArgumentArity.ZeroOrMore };
        var runs = CommonOptions.Runs();
        var output = new Option<string>("--out") { Description = "Folder for README.md and the figures.", DefaultValueFactory = _ => Path.Combine("docs", "findings") };
        var workers = new Option<int>("--workers") { Description = "Trials run at once, each in its own process.", DefaultValueFactory = _ => Math.Max(1, Environment.ProcessorCount) };
        var testImages = new Option<int>("--test-images") { Description = "Evaluate each trial on the first N test images (0: all).", DefaultValueFactory = _ => 2000 };
        var precision = TypedOption.Of("--precision", PrecisionChoices, Auto, $"{PrecisionChoices.Choices}: auto (the default) trains in bf16 only where the CPU has bf16 instructions and bf16 matrix products measure faster.");
        var noTrain = new Option<bool>("--no-train") { Description = "Train nothing: judge and report from the trials already finished (e.g. while the studies still run elsewhere)." };
        var smoke = new Option<bool>("--smoke") { Description = "Run the seconds-long smoke twins of the studies on synthetic images (checks the pipeline, not the paper)." };
        workers.Validators.Add(r => { if (r.GetValueOrDefault<int>() < 1) r.AddError("--workers must be at least 1 (trials run at once)"); });
        testImages.Validators.Add(r => { if (r.GetValueOrDefault<int>() < 0) r.AddError("--test-images must be 0 (all) or a positive count"); });
        var command = new Command("findings", "Check the paper's findings: run each finding's declared study (reusing finished trials), judge its claim by a rule fixed in advance, and write OUT/README.md with figures.");
        command.Arguments.Add(names);
        foreach (var option in new Option[] { runs, output, workers, testImages, precision, smoke, noTrain }) command.Options.Add(option);
        command.SetAction(async (parsed, cancellation) =>
        {
            var findings = FindingCatalog.Select(parsed.GetValue(names) ?? []);
            var console = parsed.InvocationConfiguration.Output;
            bool isSmoke = parsed.GetValue(smoke);
            var (chosen, why) = ChoosePrecision(parsed.GetValue(precision)!.Value, isSmoke);
            console.WriteLine($"precision: {chosen.Label()} ({why})");
            var root = parsed.GetValue(runs)!;
            int parallel = parsed.GetValue(workers);
            var clock = Stopwatch.StartNew();
            var inputs = new Dictionary<string, FindingInput>();
            using (var store = ResultsStore.Open(Path.Combine(root, RunSources.StoreFileName)))
            {
                foreach (var sweepName in findings.Select(f => f.SweepFor(chosen, isSmoke)).Distinct())
                {
                    var sweep = CatalogLookup.Sweep(sweepName, sweeps);
                    DataAvailability.Ensure(sweep.Trials.Select(t => t.Declaration));
                    if (!parsed.GetValue(noTrain))
                    {
                        var summary = await Train(store, sweep, root, parallel, parsed.GetValue(testImages), console, cancellation);
                        if (summary.Cancelled) return ExitCodes.Interrupted;
                        if (summary.Failed > 0) console.WriteLine($"warning: {summary.Failed} trial(s) of {sweep.Name} failed; their findings use the seeds that finished (see the store's logs).");
                    }
                    inputs[sweepName] = new FindingInput(sweep, FindingTrial.Load(store, sweep), WallTime(store, sweep.Name));
                }
            }
            var sections = new List<FindingSection>();
            foreach (var finding in findings)
                try { sections.Add(finding.Analyse(inputs[finding.SweepFor(chosen, isSmoke)])); }
                catch (ArgumentException e) { console.WriteLine($"finding {finding.Name}: not judged yet: {e.Message}"); }
            if (sections.Count == 0) throw new InvalidOperationException("No finding could be judged: their studies have no finished trials. Run the command again to resume them.");
            var folder = parsed.GetValue(output)!;
            var command = $"vitdsl findings{string.Concat((parsed.GetValue(names) ?? []).Select(n => " " + n))}{(isSmoke ? " --smoke" : "")}{(parsed.GetValue(noTrain) ? " --no-train" : "")} --runs {root} --out {folder}";
            var files = FindingsReport.Write(sections, folder, Preamble(command, chosen, why, inputs.Values, clock.Elapsed));
            foreach (var s in sections) console.WriteLine($"{s.Title}: {s.Verdict.Label()}");
            console.WriteLine($"report: {files[0]} ({files.Count - 1} figures), {clock.Elapsed.TotalSeconds:F0} s");
            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>fp32 unless the CPU has bf16 instructions and bf16 products measure faster (bf16 is emulated, and slower, elsewhere).</summary>
    private const string Auto = "auto";

    // auto (null: chosen on this machine), then the precisions by their names.
    private static readonly NameTable<Precision?> PrecisionChoices =
        new("a precision", CliNames.Precisions.Names.Select(n => (n, (Precision?)CliNames.Precisions[n])).Prepend((Auto, null)));

    private static (Precision, string) ChoosePrecision(Precision? requested, bool smoke)
    {
        if (requested == Precision.Fp32 || smoke) return (Precision.Fp32, smoke ? "smoke studies are declared in fp32" : "requested");
        if (requested == Precision.Bf16) return (Precision.Bf16, "requested");
        var cpu = CpuFeatures.OfThisMachine();
        if (!cpu.HasNativeBf16) return (Precision.Fp32, "this CPU has no bf16 instructions (avx512_bf16, amx_bf16), so bf16 would be emulated and slower");
        TorchSharp.torch.set_num_threads(Environment.ProcessorCount);
        var rates = PrecisionRates.Measure();
        return rates.Bf16Speedup > 1
            ? (Precision.Bf16, $"bf16 matrix products measured {rates.Bf16Speedup:F1}× faster than fp32")
            : (Precision.Fp32, $"bf16 matrix products measured {rates.Bf16Speedup:F2}× fp32's speed");
    }

    private static async Task<SweepSummary> Train(ResultsStore store, GeneratedSweep sweep, string root, int parallel, int testImages, TextWriter console, CancellationToken cancellation)
    {
        int threads = Math.Max(1, Environment.ProcessorCount / parallel);
        var runner = new SweepRunner(store, new SweepRunnerOptions
        {
            Worker = WorkerCommand.Dotnet(Assembly.GetEntryAssembly()!.Location, "worker"),
            RunRoot = root,
            Parallelism = parallel,
            TrialTimeLimit = TimeSpan.FromSeconds(sweep.Facts.TrialTimeLimitSeconds),
        });
        var definition = new SweepDefinition(sweep.Name, SweepCommand.Ordered(sweep).Select(t => new SweepTrial(
            t.Name[(sweep.Name.Length + 1)..], JsonSerializer.SerializeToElement(TrainingTrial.Of(t, threads, testImages > 0 ? testImages : null), TrainingTrial.Json))).ToList());
        console.WriteLine($"{sweep.Name}: {sweep.Trials.Count} trials, {parallel} worker(s) × {threads} thread(s)");
        var clock = Stopwatch.StartNew();
        var summary = await runner.RunAsync(definition, null, cancellation);
        int trained = summary.Succeeded - summary.Skipped; // Succeeded counts every finished trial, reused ones too
        if (trained > 0)
        {
            // Only invocations that trained count, so a rerun that reuses every trial does not dilute the wall time.
            double before = store.Fits(sweep.Name).TryGetValue(WallRecord, out var json) ? JsonSerializer.Deserialize<double>(json) : 0;
            store.RecordFit(sweep.Name, WallRecord, JsonSerializer.Serialize(before + clock.Elapsed.TotalSeconds));
        }
        console.WriteLine($"{sweep.Name}: {trained} trained, {summary.Skipped} reused, {summary.Failed} failed in {clock.Elapsed.TotalSeconds:F0} s");
        return summary;
    }

    private static string? WallTime(ResultsStore store, string sweep) =>
        store.Fits(sweep).TryGetValue(WallRecord, out var json)
            ? $"`{sweep}` trained in {JsonSerializer.Deserialize<double>(json).ToString("F0", CultureInfo.InvariantCulture)} s of wall time on this machine (all invocations that trained it)."
            : null;

    private static string Preamble(string command, Precision precision, string why, IEnumerable<FindingInput> studies, TimeSpan elapsed)
    {
        var cpu = File.Exists("/proc/cpuinfo") ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() : null;
        return $"Regenerate with `{command}` (resumable: finished trials are reused from the results store). " +
               $"This report: {elapsed.TotalSeconds:F0} s for this invocation, on {cpu ?? "an unknown CPU"} ({Environment.ProcessorCount} cores), {precision.Label()} ({why}). " +
               $"Studies: {string.Join("; ", studies.Select(s => $"`{s.Sweep.Name}` {s.Trials.Count}/{s.Sweep.Trials.Count} trials finished"))}. " +
               "Every verdict is decided by a rule written in the code before the runs (`VerdictRule`): per-seed paired differences and their 95% Student-t interval, " +
               "against 0 for \"better\" claims and against an equivalence margin for \"matches\" claims. These are small models trained for minutes on Fashion-MNIST, " +
               "so a verdict says what this scale shows, not whether the paper is right at its scale.";
    }
}
