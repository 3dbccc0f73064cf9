using System.CommandLine;
using System.Reflection;
using System.Text.Json;
using Spectre.Console;
using ViTDsl.Runtime.Analysis;
using ViTDsl.Runtime.Compute;
using ViTDsl.Runtime.Models;
using ViTDsl.Runtime.Store;
using ViTDsl.Runtime.Workers;

namespace ViTDsl.Cli;

/// <summary>
/// `vitdsl sweep NAME`: runs a declared study end to end — every trial in worker processes, recorded in the results
/// store, then the scaling-law fits and report. Killing it loses nothing; running it again resumes.
/// </summary>
public static class SweepCommand
{
    public static Command Create(IReadOnlyList<GeneratedSweep> sweeps)
    {
        var name = new Argument<string>("name") { Description = "The sweep's name (see `vitdsl list`), e.g. FashionScaling." };
        var runs = CommonOptions.Runs();
        var workers = new Option<int>("--workers") { Description = "Trials run at once, each in its own process.", DefaultValueFactory = _ => Math.Max(1, Environment.ProcessorCount) };
        var testImages = new Option<int?>("--test-images") { Description = "Evaluate each trial on the first N test images (all: omit or 0).", DefaultValueFactory = _ => 2000 };
        var noReport = new Option<bool>("--no-report") { Description = "Only train and record; skip the fits and report." };
        var json = new Option<bool>("--json") { Description = "Print the summary as JSON (no live display)." };
        var trialTimeout = new Option<double?>("--trial-timeout")
        {
            Description = "Seconds one trial attempt may run before its worker is killed and the trial retried from its last checkpoint " +
                          "(default: the sweep's TrialTimeLimitSeconds, derived from its build-time estimate and shown when the sweep starts).",
        };
        var storeOption = StoreLocation.Option();
        var on = new Option<string>("--on") { Description = "Where trials run: local (worker processes here) or slurm (one sbatch job array; needs a PostgreSQL --store).", DefaultValueFactory = _ => "local" };
        on.AcceptOnlyFromAmong("local", "slurm");
        var partition = new Option<string?>("--partition") { Description = "With --on slurm: the Slurm partition (default: the cluster's default)." };
        var time = new Option<string?>("--time") { Description = "With --on slurm: each array task's time limit, in sbatch's format (e.g. 2:00:00)." };
        var cpusPerTask = new Option<int?>("--cpus-per-task") { Description = "With --on slurm: cores per array task, the threads each trial trains with (default 1)." };
        var noWait = new Option<bool>("--no-wait") { Description = "With --on slurm: submit and return (follow it with --status)." };
        var status = new Option<bool>("--status") { Description = "Print where the sweep stands (from the store) and exit." };
        var command = new Command("sweep", "Run a declared sweep crash-safely in worker processes (here, or on Slurm with --on slurm), record it in the results store, then fit scaling laws and write RUNS/NAME/report.md.");
        command.Arguments.Add(name);
        workers.Validators.Add(r => { if (r.GetValueOrDefault<int>() < 1) r.AddError("--workers must be at least 1 (trials run at once)"); });
        testImages.Validators.Add(r => { if (r.GetValueOrDefault<int?>() < 0) r.AddError("--test-images must be 0 (all) or a positive count"); });
        trialTimeout.Validators.Add(r => { if (r.GetValueOrDefault<double?>() is { } s && !(s > 0 && !double.IsInfinity(s))) r.AddError($"--trial-timeout must be a positive number of seconds (got {s})"); });
        cpusPerTask.Validators.Add(r => { if (r.GetValueOrDefault<int?>() < 1) r.AddError("--cpus-per-task must be at least 1"); });
        foreach (var option in new Option[] { runs, workers, testImages, noReport, json, trialTimeout, storeOption, on, partition, time, cpusPerTask, noWait, status }) command.Options.Add(option);
        command.Validators.Add(r =>
        {
            if (r.GetValue(on) == "slurm") return;
            foreach (var slurmOnly in new Option[] { partition, time, cpusPerTask, noWait })
                if (r.GetResult(slurmOnly) is { Implicit: false }) r.AddError($"{slurmOnly.Name} applies only with --on slurm");
        });
        command.SetAction(async (parsed, cancellation) =>
        {
            var sweep = CatalogLookup.Sweep(parsed.GetValue(name)!, sweeps);
            var root = parsed.GetValue(runs)!;
            var location = StoreLocation.Resolve(parsed.GetValue(storeOption), root);
            if (parsed.GetValue(status)) return SweepStatusView.Print(location, sweep.Name, SweepRunnerOptions.DefaultMaxAttempts, Console.Out);
            DataAvailability.Ensure(sweep.Trials.Select(t => t.Declaration));
            var quiet = parsed.GetValue(json);
            var trialLimit = parsed.GetValue(trialTimeout) ?? sweep.Facts.TrialTimeLimitSeconds;
            if (parsed.GetValue(on) == "slurm")
            {
                var cores = parsed.GetValue(cpusPerTask) ?? 1;
                var options = new SlurmSweep.Options(parsed.GetValue(partition), parsed.GetValue(time), cores, !parsed.GetValue(noWait), trialLimit);
                var outcome = await SlurmSweep.RunAsync(Definition(sweep, cores, parsed.GetValue(testImages)), LineageOf(sweep), location, root, options, Console.Out, cancellation);
                if (outcome is null) return ExitCodes.Success;
                var slurmReport = outcome.Cancelled || parsed.GetValue(noReport) ? null : WriteReport(location, sweep.Name, Path.Combine(root, sweep.Name, "report"), quiet);
                Console.Out.WriteLine(quiet ? JsonSerializer.Serialize(new { sweep = sweep.Name, summary = outcome, report = slurmReport }, CliJson.Options)
                    : $"{outcome.Succeeded} succeeded, {outcome.Failed} failed" + (outcome.Cancelled ? "; unfinished trials left: run the same command again to submit them" : "") +
                      (slurmReport is null ? "" : $"; report: {slurmReport}"));
                return outcome.Cancelled ? ExitCodes.Interrupted : outcome.Failed > 0 ? ExitCodes.Failure : ExitCodes.Success;
            }
            var parallel = parsed.GetValue(workers);
            var threads = Math.Max(1, Environment.ProcessorCount / parallel);
            using var store = ResultsStore.Open(location);
            var runner = new SweepRunner(store, new SweepRunnerOptions
            {
                Worker = WorkerCommand.Dotnet(Assembly.GetEntryAssembly()!.Location, "worker"),
                RunRoot = root,
                Parallelism = parallel,
                TrialTimeLimit = TimeSpan.FromSeconds(trialLimit),
            });
            var definition = Definition(sweep, threads, parsed.GetValue(testImages));
            // The estimate divides the sweep's compute by the rates measured here, in the precisions it declares.
            TorchSharp.torch.set_num_threads(Environment.ProcessorCount);
            var rates = PrecisionRates.Measure();
            var declarations = sweep.Trials.Select(t => t.Declaration).ToList();
            var estimate = SweepFacts.Of(declarations, rates.Machine).EstimatedSeconds;
            if (!quiet)
            {
                AnsiConsole.MarkupLine($"[bold]{sweep.Name}[/]: {sweep.Trials.Count} trials, {parallel} worker(s) × {threads} thread(s); " +
                                       $"estimated {TimeSpan.FromSeconds(estimate):h\\:mm\\:ss} at the matmul rates measured now " +
                                       $"({TimeSpan.FromSeconds(sweep.Facts.EstimatedSeconds):h\\:mm\\:ss} at the build-time rates of an idle machine), " +
                                       $"at most {TimeSpan.FromSeconds(trialLimit):h\\:mm\\:ss} per trial; store {Markup.Escape(store.Path)}");
                PrecisionNotice.Write(rates, declarations.Select(d => d.Precision), Console.Out);
            }
            var succeededBefore = store.Trials(sweep.Name).Where(t => t.Status == TrialStatus.Succeeded).Select(t => t.Name).ToHashSet();
            var clock = System.Diagnostics.Stopwatch.StartNew();
            var summary = quiet
                ? await runner.RunAsync(definition, null, cancellation)
                : await SweepProgressView.RunAsync(progress => runner.RunAsync(definition, progress, cancellation));
            var precisionOf = sweep.Trials.ToDictionary(t => t.Name[(sweep.Name.Length + 1)..], t => t.Declaration.Precision);
            var throughput = SweepThroughput.Of(store, sweep.Name, succeededBefore, clock.Elapsed.TotalSeconds, name => precisionOf[name], rates);
            if (throughput.Trials > 0) store.RecordFit(sweep.Name, "throughput", JsonSerializer.Serialize(throughput, CliJson.Options));
            var report = summary.Cancelled || parsed.GetValue(noReport) ? null : WriteReport(location, sweep.Name, Path.Combine(root, sweep.Name, "report"), quiet);
            if (quiet)
                Console.Out.WriteLine(JsonSerializer.Serialize(new { sweep = sweep.Name, summary, throughput, report }, CliJson.Options));
            else
                AnsiConsole.MarkupLine($"{summary.Succeeded} succeeded, {summary.Failed} failed, {summary.Skipped} already done" +
                                       (throughput.Trials == 0 ? "" : $"; {throughput.AchievedGflops:F1} training GFLOP/s over {throughput.WallSeconds:F0} s ({throughput.ShareOfPeak:P0} of the {throughput.PeakGflops:F0} GFLOP/s matmul peak)") +
                                       (summary.Cancelled ? "; [yellow]stopped — run the same command again to resume[/]" : "") +
                                       (report is null ? "" : $"; report: [link]{Markup.Escape(report)}[/]"));
            return summary.Cancelled ? ExitCodes.Interrupted : summary.Failed > 0 ? ExitCodes.Failure : ExitCodes.Success;
        });
        return command;
    }

    private static SweepDefinition Definition(GeneratedSweep sweep, int threads, int? testImages) =>
        new(sweep.Name, Ordered(sweep).Select(t => new SweepTrial(TrialName(sweep, t),
            JsonSerializer.SerializeToElement(TrainingTrial.Of(t, threads, testImages is > 0 and var n ? n : null), TrainingTrial.Json))).ToList());

    private static string TrialName(GeneratedSweep sweep, GeneratedExperiment trial) => trial.Name[(sweep.Name.Length + 1)..];

    // Trials of one lineage share a prefix: on a cluster they run in one task, longest first.
    private static Dictionary<string, string> LineageOf(GeneratedSweep sweep) =>
        sweep.Trials.ToDictionary(t => TrialName(sweep, t), t => Lineage.KeyOf(t.Declaration));

    /// <summary>
    /// Longest run of each lineage first, lineages interleaved: the long runs write the shared prefixes that the
    /// shorter durations then branch off, and concurrent workers rarely train the same prefix twice.
    /// </summary>
    public static IEnumerable<GeneratedExperiment> Ordered(GeneratedSweep sweep) =>
        sweep.Trials.GroupBy(t => Lineage.KeyOf(t.Declaration))
            .SelectMany(lineage => lineage.OrderByDescending(t => t.Declaration.Steps).Select((t, rank) => (t, rank)))
            .OrderBy(x => x.rank)
            .Select(x => x.t);

    private static string? WriteReport(string store, string sweep, string folder, bool quiet)
    {
        var source = new StoreRunSource(store, sweep);
        var runs = source.ReadRuns();
        var options = new AnalysisOptions { ComputeUnit = ComputeUnits.Flops };
        try
        {
            var (_, files) = ScalingReport.Write(runs, folder, options, null, $"{PostgresUrl.Redact(store)} (sweep {sweep})", source.Curves().ReadCurves());
            return files.FirstOrDefault(f => f.EndsWith(".md")) ?? folder;
        }
        catch (ArgumentException e)
        {
            if (!quiet) AnsiConsole.MarkupLine($"[yellow]No report yet: {Markup.Escape(e.Message)}[/]");
            return null;
        }
    }
}
