using System.CommandLine;
using System.Reflection;
using System.Text.Json;
using Spectre.Console;
using ViTDsl.Runtime.Analysis;
using ViTDsl.Runtime.Cluster;
using ViTDsl.Runtime.Compute;
using ViTDsl.Runtime.Models;
using ViTDsl.Runtime.Store;
using ViTDsl.Runtime.Workers;
using static ViTDsl.Runtime.Workers.SweepPlan;

namespace ViTDsl.Cli;

/// <summary>
/// `vitdsl sweep NAME`: runs a declared study end to end — every trial in worker processes, recorded in the results
/// store, then the scaling-law fits and report. Killing it loses nothing; running it again resumes.
/// </summary>
internal static class SweepCommand
{
    /// <summary>Where a sweep's trials run: worker processes here, or one Slurm job array.</summary>
    public enum Placement { Local, Slurm }

    private static readonly NameTable<Placement> Placements = new("a place to run trials", [("local", Placement.Local), ("slurm", Placement.Slurm)]);

    /// <summary>The command's arguments and options, read by its parser and its actions.</summary>
    private sealed class Options
    {
        public Argument<string> Name { get; } = new("name") { Description = "The sweep's name (see `vitdsl list`), e.g. FashionScaling." };
        public Option<string> Runs { get; } = CommonOptions.Runs();
        public Option<int> Workers { get; } = new("--workers") { Description = "Trials run at once, each in its own process.", DefaultValueFactory = _ => Math.Max(1, Environment.ProcessorCount) };
        public Option<int?> TestImages { get; } = new("--test-images") { Description = "Evaluate each trial on the first N test images (all: omit or 0)." };
        public Option<bool> NoReport { get; } = new("--no-report") { Description = "Only train and record; skip the fits and report." };
        public Option<bool> Json { get; } = new("--json") { Description = "Print the summary as JSON (no live display)." };
        public Option<double?> TrialTimeout { get; } = new("--trial-timeout")
        {
            Description = "Seconds one trial attempt may run before its worker is killed and the trial retried from its last checkpoint " +
                          "(default: the sweep's TrialTimeLimitSeconds, derived from its build-time estimate and shown when the sweep starts).",
        };
        public Option<double> HangAfter { get; } = CommonOptions.HangAfter();
        public Option<string?> Store { get; } = StoreLocation.Option();
        public Option<Choice<Placement>> On { get; } = TypedOption.Of("--on", Placements, "local",
            "Where trials run: local (worker processes here) or slurm (one sbatch job array; needs a PostgreSQL --store).");
        public Option<string?> Partition { get; } = new("--partition") { Description = "With --on slurm: the Slurm partition (default: the cluster's default)." };
        public Option<string?> Time { get; } = new("--time") { Description = "With --on slurm: each array task's time limit, in sbatch's format (e.g. 2:00:00)." };
        public Option<int?> CpusPerTask { get; } = new("--cpus-per-task") { Description = "With --on slurm: cores per array task, the threads each trial trains with (default 1)." };
        public Option<bool> NoWait { get; } = new("--no-wait") { Description = "With --on slurm: submit and return (follow it with --status)." };
        public Option<bool> Status { get; } = new("--status") { Description = "Print where the sweep stands (from the store) and exit." };
        public Option<bool> RetryFailed { get; } = new("--retry-failed") { Description = "Give the trials that used up their attempts a new budget (their records are kept)." };

        public void AddTo(Command command)
        {
            command.Arguments.Add(Name);
            Workers.Validators.Add(r => { if (r.GetValueOrDefault<int>() < 1) r.AddError("--workers must be at least 1 (trials run at once)"); });
            TestImages.Validators.Add(r => { if (r.GetValueOrDefault<int?>() < 0) r.AddError("--test-images must be 0 (all) or a positive count"); });
            TrialTimeout.Validators.Add(r => { if (r.GetValueOrDefault<double?>() is { } s && !(s > 0 && s <= 1e9)) r.AddError($"--trial-timeout must be a positive number of seconds, at most 1e9 (31 years) (got {s})"); });
            CpusPerTask.Validators.Add(r => { if (r.GetValueOrDefault<int?>() < 1) r.AddError("--cpus-per-task must be at least 1"); });
            Option[] slurmOnly = [Partition, Time, CpusPerTask, NoWait];
            foreach (var option in new Option[] { Runs, Workers, TestImages, NoReport, Json, TrialTimeout, HangAfter, Store, On, Status, RetryFailed }.Concat(slurmOnly)) command.Options.Add(option);
            command.Validators.Add(r =>
            {
                // Read from the tokens: an invalid --on is that option's own parse error, not this check's.
                if (r.GetResult(On)?.Tokens is [.., var on] && Placements.TryGet(on.Value, out var placement) && placement == Placement.Slurm) return;
                foreach (var option in slurmOnly)
                    if (r.GetResult(option) is { Implicit: false }) r.AddError($"{option.Name} applies only with --on slurm");
            });
        }
    }

    /// <summary>The sweep a command line names, where it records and runs, and what it was asked.</summary>
    private sealed record Request(ParseResult Parsed, Options Options, GeneratedSweep Sweep, string Store, string Runs, double TrialLimit)
    {
        public T Get<T>(Option<T> option) => Parsed.GetValue(option)!;
        public double? HangAfter => CommonOptions.HangAfterFactor(Get(Options.HangAfter));
        public string? Report(string store) => Get(Options.NoReport) ? null : WriteReport(store, Sweep, Path.Combine(Runs, Sweep.Name, "report"), Get(Options.Json));
    }

    public static Command Create(IReadOnlyList<GeneratedSweep> sweeps)
    {
        var options = new Options();
        var command = new Command("sweep", "Run a declared sweep crash-safely in worker processes (here, or on Slurm with --on slurm), record it in the results store, then fit scaling laws and write RUNS/NAME/report.md.");
        options.AddTo(command);
        command.SetAction(async (parsed, cancellation) =>
        {
            var sweep = CatalogLookup.Sweep(parsed.GetValue(options.Name)!, sweeps);
            var root = parsed.GetValue(options.Runs)!;
            var location = StoreLocation.Resolve(parsed.GetValue(options.Store), root);
            if (parsed.GetValue(options.Status)) return SweepStatusView.Print(location, sweep.Name, SweepRunnerOptions.DefaultMaxAttempts, Console.Out);
            DataAvailability.Ensure(sweep.Trials.Select(t => t.Declaration));
            if (parsed.GetValue(options.RetryFailed)) RetryFailed(location, sweep.Name);
            var request = new Request(parsed, options, sweep, location, root, parsed.GetValue(options.TrialTimeout) ?? sweep.Facts.TrialTimeLimitSeconds);
            return parsed.GetValue(options.On)!.Value == Placement.Slurm ? await RunOnSlurmAsync(request, cancellation) : await RunHereAsync(request, cancellation);
        });
        return command;
    }

    private static async Task<int> RunOnSlurmAsync(Request r, CancellationToken cancellation)
    {
        var (sweep, quiet) = (r.Sweep, r.Get(r.Options.Json));
        var cores = r.Get(r.Options.CpusPerTask) ?? 1;
        var options = new SlurmSweep.Options(r.Get(r.Options.Partition), r.Get(r.Options.Time), cores, !r.Get(r.Options.NoWait), r.TrialLimit, r.HangAfter);
        var outcome = await SlurmSweep.RunAsync(Definition(sweep, cores, r.Get(r.Options.TestImages)), LineageOf(sweep), r.Store, r.Runs, options, Console.Out, cancellation);
        if (outcome is null) return ExitCodes.Success;
        var report = outcome.Cancelled ? null : r.Report(r.Store);
        Console.Out.WriteLine(quiet ? JsonSerializer.Serialize(new { sweep = sweep.Name, summary = outcome, report }, CliJson.Options)
            : $"{outcome.Succeeded} succeeded, {outcome.Failed} failed" + (outcome.Cancelled ? "; unfinished trials left: run the same command again to submit them" : "") +
              (report is null ? "" : $"; report: {report}"));
        return outcome.Cancelled ? ExitCodes.Interrupted : outcome.Failed > 0 ? ExitCodes.Failure : ExitCodes.Success;
    }

    private static async Task<int> RunHereAsync(Request r, CancellationToken cancellation)
    {
        var (sweep, quiet, parallel) = (r.Sweep, r.Get(r.Options.Json), r.Get(r.Options.Workers));
        var threads = Math.Max(1, Environment.ProcessorCount / parallel);
        using var store = ResultsStore.Open(r.Store);
        var runner = new SweepRunner(store, new SweepRunnerOptions
        {
            Worker = WorkerCommand.Dotnet(Assembly.GetEntryAssembly()!.Location, "worker"),
            RunRoot = r.Runs,
            Parallelism = parallel,
            TrialTimeLimit = TimeSpan.FromSeconds(r.TrialLimit),
            HangAfter = r.HangAfter,
        });
        var commandClock = System.Diagnostics.Stopwatch.StartNew();
        // Auto precisions, each shape's step, the matmul peak and the estimate, measured at the workers' threads.
        var startup = SweepStartup.Measure(sweep.Name, Ordered(sweep).Select(t => (TrialName(sweep, t), t)).ToList(), store, parallel, threads, r.Get(r.Options.TestImages) is > 0 and var shown ? shown : null);
        var definition = Definition(sweep, threads, r.Get(r.Options.TestImages), startup.Precisions);
        if (!quiet) Announce(r, startup, parallel, threads, store.Path);
        var succeededBefore = store.Trials(sweep.Name).Where(t => t.Status == TrialStatus.Succeeded).Select(t => t.Name).ToHashSet();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var summary = quiet
            ? await runner.RunAsync(definition, null, cancellation)
            : await SweepProgressView.RunAsync(progress => runner.RunAsync(definition, progress, cancellation));
        var throughput = SweepThroughput.Of(store, sweep.Name, succeededBefore, clock.Elapsed.TotalSeconds,
            name => startup.Precisions[name].Resolved, startup.PeakGflops) with { EstimatedSeconds = startup.Estimate.Seconds, PeakMethod = startup.Fp32Peak.Method };
        if (throughput.Trials > 0) store.RecordFit(sweep.Name, "throughput", JsonSerializer.Serialize(throughput, CliJson.Options));
        var report = summary.Cancelled ? null : r.Report(r.Store);
        if (quiet)
            Console.Out.WriteLine(JsonSerializer.Serialize(new { sweep = sweep.Name, summary, throughput, report }, CliJson.Options));
        else
            AnsiConsole.MarkupLine($"{summary.Succeeded} succeeded, {summary.Failed} failed, {summary.Skipped} already done" +
                                   (throughput.Trials == 0 ? "" : $"; {throughput.AchievedGflops:F1} training GFLOP/s over {throughput.WallSeconds:F0} s ({throughput.ShareOfPeak:P0} of the {throughput.PeakGflops:F0} GFLOP/s matmul peak: {Markup.Escape(startup.Fp32Peak.Method)})") +
                                   $"; wall {commandClock.Elapsed:h\\:mm\\:ss} (estimated {TimeSpan.FromSeconds(startup.Estimate.Seconds):h\\:mm\\:ss})" +
                                   (summary.Cancelled ? "; [yellow]stopped — run the same command again to resume[/]" : "") +
                                   (report is null ? "" : $"; report: [link]{Markup.Escape(report)}[/]"));
        return summary.Cancelled ? ExitCodes.Interrupted : summary.Failed > 0 ? ExitCodes.Failure : ExitCodes.Success;
    }

    private static void Announce(Request r, SweepStartup startup, int parallel, int threads, string storePath)
    {
        AnsiConsole.MarkupLine($"[bold]{r.Sweep.Name}[/]: {r.Sweep.Trials.Count} trials, {parallel} worker(s) × {threads} thread(s); " +
                               $"estimated {TimeSpan.FromSeconds(startup.Estimate.Seconds):h\\:mm\\:ss} from its declared compute and the training steps measured now " +
                               $"({parallel} at once: {startup.Slowdown:F2}× slower than alone) " +
                               $"({TimeSpan.FromSeconds(r.Sweep.Facts.EstimatedSeconds):h\\:mm\\:ss} at the build-time rates of an idle machine), " +
                               $"at most {TimeSpan.FromSeconds(r.TrialLimit):h\\:mm\\:ss} per trial; store {Markup.Escape(storePath)}");
        foreach (var decision in startup.Decisions) Console.Out.WriteLine("Precision.Auto: " + decision);
        PrecisionNotice.Write(startup.Rates, r.Sweep.Trials.Select(t => t.Declaration.Precision), Console.Out);
    }

    private static void RetryFailed(string location, string sweep)
    {
        using var store = ResultsStore.Open(location);
        Console.Out.WriteLine($"{store.RetryFailed(sweep)} failed trial(s) of {sweep} get a new budget of attempts");
    }

    /// <summary>The report of the sweep as declared now: runs of trials since dropped from it stay in the store, not in the fits.</summary>
    private static string? WriteReport(string store, GeneratedSweep sweep, string folder, bool quiet)
    {
        var source = new StoreRunSource(store, new AnalysedTrials(sweep.Name, sweep.Trials.Select(t => SweepPlan.TrialName(sweep, t)).ToHashSet()));
        var runs = source.ReadRuns();
        var options = new AnalysisOptions { ComputeUnit = new ComputeUnit.Flops() };
        try
        {
            var (_, files) = ScalingReport.Write(runs, folder, options, null, source.Description, source.Curves().ReadCurves());
            return files.FirstOrDefault(f => f.EndsWith(".md")) ?? folder;
        }
        catch (ArgumentException e)
        {
            if (!quiet) AnsiConsole.MarkupLine($"[yellow]No report yet: {Markup.Escape(e.Message)}[/]");
            return null;
        }
    }
}
