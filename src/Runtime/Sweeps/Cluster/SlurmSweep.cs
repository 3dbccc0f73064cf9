using System.Reflection;
using System.Text.Json;
using ViTDsl.Runtime.Store;
using ViTDsl.Runtime.Workers;

namespace ViTDsl.Runtime.Cluster;

/// <summary>
/// `vitdsl sweep NAME --on slurm`: the sweep's unfinished trials as one Slurm job array (a task per lineage, see
/// <see cref="SlurmArray"/>), against a PostgreSQL store and a run folder every node shares. Everything that can be
/// wrong (no shared store, the store unreachable, no sbatch, an unknown partition) is found before anything is
/// submitted. Then it follows the job from the store; tasks that ended before their trials did (cancelled,
/// preempted, node lost) are submitted once more, resuming from the last recorded checkpoints.
/// </summary>
internal static class SlurmSweep
{
    /// <summary>The options of a submission, passed through to sbatch and to each task's runner.</summary>
    /// <param name="HangAfter">Each task's progress watchdog (<see cref="SweepRunnerOptions.HangAfter"/>); null: none.</param>
    public sealed record Options(string? Partition, string? Time, int CpusPerTask, bool Wait, double TrialTimeLimitSeconds, double? HangAfter = SweepRunnerOptions.DefaultHangAfter);

    /// <summary>The command each array task runs: `vitdsl slurm-task` with the runner's limits of a local sweep.</summary>
    public static WorkerCommand TaskCommand(string sweep, string runs, Options options) =>
        WorkerCommand.Dotnet(Assembly.GetEntryAssembly()!.Location, "slurm-task", sweep, "--runs", runs,
            "--trial-timeout", options.TrialTimeLimitSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--hang-after", (options.HangAfter ?? 0).ToString(System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>How often the submitter looks at the queue and the store while it waits.</summary>
    public static TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(2);

    // The first array, then one more for the trials whose tasks ended before they finished.
    private const int Rounds = 2;

    /// <summary>Checks everything, then submits; returns the job ids submitted and, when waiting, the outcome.</summary>
    public static async Task<SweepSummary?> RunAsync(SweepDefinition definition, IReadOnlyDictionary<string, string> lineageOf, string storeLocation,
        string runs, Options options, TextWriter output, CancellationToken cancellationToken)
    {
        if (!PostgresUrl.IsUrl(storeLocation))
            throw new SharedStoreRequiredException(
                $"`--on slurm` needs a results store every node can write to, not the SQLite file '{storeLocation}' (SQLite's locks do not work over " +
                $"network file systems): pass --store postgres://user:password@host/database or set {SlurmArray.StoreVariable}.");
        var slurm = new SlurmClient();
        slurm.EnsureUsable(options.Partition);
        runs = Path.GetFullPath(runs);
        using var store = ResultsStore.Open(storeLocation);
        const int maxAttempts = SweepRunnerOptions.DefaultMaxAttempts; // what each task's runner allows
        store.EnsureSweep(definition.Name, definition.Trials.Select(t => (t.Name, JsonSerializer.Serialize(t.Payload))));
        var folder = Path.Combine(runs, definition.Name, "slurm");
        var task = TaskCommand(definition.Name, runs, options);
        for (var round = 1; round <= Rounds; round++)
        {
            var pending = ToSubmit(store, definition, maxAttempts, output);
            if (pending.Count == 0)
            {
                if (round == 1) output.WriteLine($"nothing to submit: no trial of {definition.Name} is waiting to run");
                break;
            }
            if (round > 1) output.WriteLine($"{pending.Count} trial(s) left unfinished by their tasks (cancelled, preempted or node lost): submitting them once more");
            var array = SlurmArray.Of(definition.Name, pending.Select(t => (t, lineageOf[t])));
            var script = array.Write(folder, task);
            var clock = System.Diagnostics.Stopwatch.StartNew();
            var submitted = DateTimeOffset.UtcNow;
            var job = slurm.Submit(script, SbatchOptions(definition.Name, array.Tasks.Count, folder, options),
                new Dictionary<string, string> { [SlurmArray.StoreVariable] = storeLocation });
            output.WriteLine($"submitted Slurm job {job}: {pending.Count} trial(s) of {definition.Name} in {array.Tasks.Count} array task(s); " +
                             $"logs {folder}/{job}_*.out; store {store.Path}");
            if (!options.Wait)
            {
                output.WriteLine($"`vitdsl sweep {definition.Name} --status` shows its progress; running the same command again submits only what is unfinished.");
                return null;
            }
            await FollowAsync(slurm, job, store, definition.Name, maxAttempts, output, cancellationToken).ConfigureAwait(false);
            output.WriteLine($"job {job} left the queue after {clock.Elapsed.TotalSeconds:F1} s; {StartDelays(store, definition.Name, array, submitted)}");
        }
        if (options.Wait) await AwaitOtherRunnersAsync(store, definition.Name, maxAttempts, output, cancellationToken).ConfigureAwait(false);
        var final = store.Trials(definition.Name);
        return new SweepSummary(
            final.Count(t => t.Status == TrialStatus.Succeeded),
            final.Count(t => t.Status == TrialStatus.Failed && t.Failures >= maxAttempts),
            0,
            final.Any(t => Unfinished(t, maxAttempts)));
    }

    // Trials another submission's tasks are running were not submitted here: wait for them too, so the outcome (and
    // the report) covers the whole sweep.
    private static async Task AwaitOtherRunnersAsync(ResultsStore store, string sweep, int maxAttempts, TextWriter output, CancellationToken cancellationToken)
    {
        var announced = false;
        while (HeldElsewhere(store, sweep, maxAttempts) is { Count: > 0 } held)
        {
            if (!announced) output.WriteLine($"waiting for {held.Count} trial(s) that other tasks are running ({string.Join(", ", held)})");
            announced = true;
            await Task.Delay(PollInterval, cancellationToken).ConfigureAwait(false);
        }
    }

    private static List<string> HeldElsewhere(ResultsStore store, string sweep, int maxAttempts)
    {
        var unfinished = store.Trials(sweep).Where(t => Unfinished(t, maxAttempts)).Select(t => t.Name).ToHashSet();
        return LiveLeases(store, sweep).Where(unfinished.Contains).ToList();
    }

    private static bool Unfinished(TrialRecord t, int maxAttempts) => t.Status != TrialStatus.Succeeded && !(t.Status == TrialStatus.Failed && t.Failures >= maxAttempts);

    // The trials whose lease a live runner holds (renewed lately; on this host, its process still runs).
    private static HashSet<string> LiveLeases(ResultsStore store, string sweep)
    {
        var now = store.ClockNow(); // the clock the leases were renewed by, not this host's
        return store.TrialLeases(sweep).Values
            .Where(l => now - l.Renewed < SweepRunnerOptions.DefaultLeaseStaleAfter && l.Holder.IsAliveSeenFrom(RunnerIdentity.Current))
            .Select(l => l.Trial!).ToHashSet();
    }

    // Unfinished trials in the sweep's order, less those another live runner holds (another submission's tasks).
    private static List<string> ToSubmit(ResultsStore store, SweepDefinition definition, int maxAttempts, TextWriter output)
    {
        var stored = store.Trials(definition.Name).ToDictionary(t => t.Name);
        var held = LiveLeases(store, definition.Name);
        if (held.Count > 0) output.WriteLine($"{held.Count} trial(s) are being run by other tasks now: not submitting them ({string.Join(", ", held)})");
        return definition.Trials.Select(t => stored[t.Name])
            .Where(t => Unfinished(t, maxAttempts) && !held.Contains(t.Name))
            .Select(t => t.Name).ToList();
    }

    // Submission to start, per task: from sbatch to the first attempt of the task's first trial (the scheduler's delay,
    // the task's start-up and its store connection; the worker's own start-up is the attempt's start time).
    private static string StartDelays(ResultsStore store, string sweep, SlurmArray array, DateTimeOffset submitted)
    {
        var byName = store.Trials(sweep).ToDictionary(t => t.Name);
        var delays = array.Tasks
            .Select(task => store.Attempts(byName[task[0]].Id).Where(a => a.StartedUtc >= submitted).Select(a => (a.StartedUtc - submitted).TotalSeconds).DefaultIfEmpty(double.NaN).Min())
            .Where(d => !double.IsNaN(d)).Order().ToList();
        return delays.Count == 0 ? "no task started a trial"
            : $"submission to first attempt: {delays[0]:F1}–{delays[^1]:F1} s over {delays.Count} task(s)";
    }

    private static List<string> SbatchOptions(string sweep, int tasks, string folder, Options options)
    {
        var list = new List<string>
        {
            $"--job-name=vitdsl-{sweep}", $"--array=0-{tasks - 1}", $"--output={Path.Combine(folder, "%A_%a.out")}",
            $"--cpus-per-task={options.CpusPerTask}",
        };
        if (options.Partition is not null) list.Add($"--partition={options.Partition}");
        if (options.Time is not null) list.Add($"--time={options.Time}");
        return list;
    }

    // Prints the sweep's counts from the store whenever they change, until the job has left the queue.
    private static async Task FollowAsync(SlurmClient slurm, string job, ResultsStore store, string sweep, int maxAttempts, TextWriter output, CancellationToken cancellationToken)
    {
        var last = "";
        while (true)
        {
            var queued = slurm.IsQueued(job);
            var trials = store.Trials(sweep);
            var line = $"{trials.Count(t => t.Status == TrialStatus.Succeeded)}/{trials.Count} succeeded, {trials.Count(t => t.Status == TrialStatus.Running)} running, " +
                       $"{trials.Count(t => t.Status == TrialStatus.Failed && t.Failures >= maxAttempts)} failed";
            if (line != last) output.WriteLine($"[{DateTime.UtcNow:HH:mm:ss}] {sweep}: {line}");
            last = line;
            if (!queued) return;
            await Task.Delay(PollInterval, cancellationToken).ConfigureAwait(false);
        }
    }
}
