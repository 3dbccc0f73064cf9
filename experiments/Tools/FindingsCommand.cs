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
    public static Command Create(IReadOnlyList<GeneratedSweep> sweeps)
    {
        var names = new Argument<string[]>("name") { Description = $"Findings to check (default: all): {string.Join(", ", FindingCatalog.All.Select(f => f.Name))}.", Arity = ArgumentArity.ZeroOrMore };
        var runs = CommonOptions.Runs();
        var output = new Option<string>("--out") { Description = "Folder for README.md and the figures.", DefaultValueFactory = _ => Path.Combine("docs", "findings") };
        var workers = new Option<int>("--workers") { Description = "Trials run at once, each in its own process.", DefaultValueFactory = _ => Math.Max(1, Environment.ProcessorCount) };
        var testImages = new Option<int>("--test-images") { Description = "Evaluate each trial on the first N test images (default 0: all 10,000 of Fashion-MNIST).", DefaultValueFactory = _ => 0 };
        var precision = TypedOption.Of("--precision", PrecisionChoices, Auto, $"{PrecisionChoices.Choices}: auto (the default) trains each model shape in bf16 only where the CPU has bf16 instructions and that shape's training step measures at least {PrecisionChoice.RequiredSpeedup:0.0#}× as fast.");
        var noTrain = new Option<bool>("--no-train") { Description = "Train nothing: judge and report from the trials already finished (e.g. while the studies still run elsewhere)." };
        var smoke = new Option<bool>("--smoke") { Description = "Run the seconds-long smoke twins of the studies on synthetic images (checks the pipeline, not the paper)." };
        var accept = new Option<bool>("--accept-changed-rule") { Description = "Judge findings whose protocol (claim, metric, margin, rule or study) changed after their study had results; the report says so." };
        workers.Validators.Add(r => { if (r.GetValueOrDefault<int>() < 1) r.AddError("--workers must be at least 1 (trials run at once)"); });
        testImages.Validators.Add(r => { if (r.GetValueOrDefault<int>() < 0) r.AddError("--test-images must be 0 (all) or a positive count"); });
        var command = new Command("findings", "Check the paper's findings: run each finding's declared study (reusing finished trials), judge its claim by a rule fixed in advance, and write OUT/README.md with figures.");
        command.Arguments.Add(names);
        foreach (var option in new Option[] { runs, output, workers, testImages, precision, smoke, noTrain, accept }) command.Options.Add(option);
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
            var settings = new StudySettings(root, parallel, parsed.GetValue(testImages), parsed.GetValue(accept), Train: !parsed.GetValue(noTrain), console);
            var sections = new List<FindingSection>();
            var inputs = new List<FindingInput>();
            using (var store = ResultsStore.Open(Path.Combine(root, RunSources.StoreFileName)))
            {
                foreach (var study in findings.GroupBy(f => f.SweepFor(chosen, isSmoke)))
                {
                    var sweep = CatalogLookup.Sweep(study.Key, sweeps);
                    DataAvailability.Ensure(sweep.Trials.Select(t => t.Declaration));
                    var judged = await StudyRun.RunAsync(store, sweep, study.ToList(), settings, cancellation);
                    if (judged is null) return ExitCodes.Interrupted;
                    inputs.Add(judged.Value.Input);
                    sections.AddRange(judged.Value.Sections);
                }
            }
            if (sections.Count == 0) throw new InvalidOperationException("No finding could be judged: their studies have no finished trials. Run the command again to resume them.");
            var folder = parsed.GetValue(output)!;
            var command = $"vitdsl findings{string.Concat((parsed.GetValue(names) ?? []).Select(n => " " + n))}{(isSmoke ? " --smoke" : "")}{(parsed.GetValue(noTrain) ? " --no-train" : "")}{(parsed.GetValue(accept) ? " --accept-changed-rule" : "")} --runs {root} --out {folder}";
            var files = FindingsReport.Write(sections, folder, Preamble(command, chosen, why, inputs, clock.Elapsed));
            foreach (var s in sections) console.WriteLine($"{s.Title}: {s.Verdict.Label()}");
            console.WriteLine($"report: {files[0]} ({files.Count - 1} figures), {clock.Elapsed.TotalSeconds:F0} s");
            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>The studies as declared (Precision.Auto: each model shape trains in bf16 where that is native and measures at least 1.2× as fast), or all in one precision.</summary>
    private const string Auto = "auto";

    // auto (null: decided per model shape where it trains), then the precisions by their names.
    private static readonly NameTable<Precision?> PrecisionChoices =
        new("a precision", CliNames.Precisions.Names.Select(n => (n, (Precision?)CliNames.Precisions[n])).Prepend((Auto, null)));

    private static (Precision, string) ChoosePrecision(Precision? requested, bool smoke)
    {
        if (smoke) return (Precision.Fp32, "smoke studies are declared in fp32");
        if (requested is { } p) return (p, "requested");
        return (Precision.Auto, CpuFeatures.OfThisMachine().HasNativeBf16
            ? $"decided once per model shape of each study before it trains: bf16 where that shape's training step measures at least {PrecisionChoice.RequiredSpeedup:0.0#}× as fast as fp32, as the store records"
            : "resolves to fp32 here: this CPU has no bf16 instructions (avx512_bf16, amx_bf16), so bf16 would be emulated and slower");
    }

    private static string Preamble(string command, Precision precision, string why, IEnumerable<FindingInput> studies, TimeSpan elapsed)
    {
        var cpu = File.Exists("/proc/cpuinfo") ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() : null;
        return $"Regenerate with `{command}` (resumable: finished trials are reused from the results store). " +
               $"This report: {elapsed.TotalSeconds:F0} s for this invocation, on {cpu ?? "an unknown CPU"} ({Environment.ProcessorCount} cores), {precision.Label()} ({why}). " +
               $"Studies: {string.Join("; ", studies.Select(s => $"`{s.Sweep.Name}` {s.Trials.Count} trials judged of {s.Sweep.Trials.Count} declared"))}; " +
               $"every test error on {(studies.FirstOrDefault()?.TestImages is > 0 and var n ? $"the first {n:N0}" : "all")} test images. " +
               "Each finding's protocol — claim, metric, rule and margin, seed plan, and its study's declaration — is hashed and stored with the study's results before its first trial runs; " +
               "each section says when it was fixed and whether it changed after data (then no verdict is given unless `--accept-changed-rule` is passed, which the command line above shows). " +
               "Verdicts come from per-seed values and their Student-t interval, Bonferroni-corrected over a claim's comparisons, against 0 for \"better\" claims, an equivalence margin for \"matches\" claims " +
               "and a bound for \"below\" claims; the seeds are planned from a pilot of each study so the interval's expected half-width is half the margin. " +
               "These are small models trained for minutes on Fashion-MNIST, so a verdict says what this scale shows, not whether the paper is right at its scale.";
    }
}
