using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using ViTDsl.Cli;
using ViTDsl.Runtime.Analysis;

namespace ViTDsl.Experiments.Bench;

/// <summary>
/// `vitdsl bench extrapolation`: how well the default <c>fit</c> (its selection) and each law form alone — M4 being
/// its authors' procedure — extrapolate, as RMS log error on points beyond those fitted (<see cref="ExtrapolationBenchmark"/>).
/// On simulated curves by default (the table in docs/learning-curves.md); with <c>--csv</c>, on the learning curves of
/// a file in the format of Alabdulmohsin et al.'s benchmark (<see cref="BenchmarkCurves"/>).
/// </summary>
public static class BenchExtrapolationCommand
{
    public static Command Create(TextWriter? output = null)
    {
        var csv = new Option<string?>("--csv") { Description = "Score the curves of this benchmark CSV (Domain,Task,Model,Seen Examples,Loss,Training) instead of simulated ones." };
        var model = new Option<string>("--model") { Description = "With --csv: only models whose name starts with this, e.g. ViT.", DefaultValueFactory = _ => "" };
        var sets = new Option<int>("--sets") { Description = "Simulated data sets per truth (one per law form).", DefaultValueFactory = _ => 8 };
        var seed = new Option<int>("--seed") { Description = "Seed of the first simulated set; set i uses seed + i.", DefaultValueFactory = _ => 300 };
        var points = new Option<int>("--points") { Description = "Points per simulated set, log-spaced over x = 1e-3…1e4.", DefaultValueFactory = _ => 20 };
        var train = new Option<int>("--train") { Description = "Simulated points fitted (the first ones); the rest are scored.", DefaultValueFactory = _ => 15 };
        var noise = new Option<double>("--noise") { Description = "Standard deviation of the simulated noise on log error (0.01: 1%).", DefaultValueFactory = _ => 0.01 };
        var holdout = new Option<int>("--holdout") { Description = "Points the default fit's backtest holds out of those fitted (as `fit --holdout`).", DefaultValueFactory = _ => 3 };
        var threads = new Option<int>("--threads") { Description = "Tasks scored in parallel.", DefaultValueFactory = _ => 1 };
        var json = new Option<bool>("--json") { Description = "Print every task's per-method log errors as JSON." };
        foreach (var o in new[] { sets, points, train, holdout, threads })
            o.Validators.Add(r => { if (r.GetValueOrDefault<int>() < 1) r.AddError($"{o.Name} must be at least 1"); });
        noise.Validators.Add(r => { if (r.GetValueOrDefault<double>() is not (> 0 and < 1)) r.AddError("--noise must lie between 0 and 1, e.g. 0.01"); });
        var command = new Command("extrapolation", "RMS log error of the default fit's selection and of each law form (M4: its authors' procedure) on points beyond those fitted: simulated curves, or a benchmark CSV's (--csv).");
        foreach (var option in new Option[] { csv, model, sets, seed, points, train, noise, holdout, threads, json }) command.Options.Add(option);
        command.SetAction(parsed =>
        {
            var writer = output ?? Console.Out;
            if (parsed.GetValue(train) >= parsed.GetValue(points))
                throw new UsageException($"--train {parsed.GetValue(train)} leaves no point of {parsed.GetValue(points)} to score; fit fewer than --points.");
            var tasks = parsed.GetValue(csv) is { } path ? BenchmarkCurves.Read(path, parsed.GetValue(model)!)
                : ExtrapolationBenchmark.Simulate(parsed.GetValue(sets), parsed.GetValue(points), parsed.GetValue(train), parsed.GetValue(noise), parsed.GetValue(seed));
            var options = new AnalysisOptions { HoldOut = parsed.GetValue(holdout) };
            var scores = new TaskScores[tasks.Count];
            Parallel.For(0, tasks.Count, new ParallelOptions { MaxDegreeOfParallelism = parsed.GetValue(threads) },
                i => scores[i] = ExtrapolationBenchmark.Score(tasks[i], options));
            if (parsed.GetValue(json))
                writer.WriteLine(JsonSerializer.Serialize(scores.Select(s => new
                {
                    task = s.Task.Name, group = s.Task.Group, used = s.Used,
                    methods = s.Methods.Select(m => new { m.Method, m.Rms, m.BacktestRms, m.LogErrors }),
                }), CliJson.Options));
            else Summarise(writer, scores);
            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>Per task, per group and overall: each method's RMS log error (the mean over tasks of each task's RMS).</summary>
    private static void Summarise(TextWriter writer, IReadOnlyList<TaskScores> scores)
    {
        if (scores.Count == 0) { writer.WriteLine("no curves to score (none with both fitted and held-out points)"); return; }
        var methods = scores[0].Methods.Select(m => m.Method).ToList();
        string Row(string name, IEnumerable<TaskScores> tasks) =>
            $"| {name} | " + string.Join(" | ", methods.Select(m => Percent(tasks.Where(t => t.Methods.Any(x => x.Method == m)).Select(t => t[m].Rms).DefaultIfEmpty(double.NaN).Average()))) + " |";
        writer.WriteLine($"| task | {string.Join(" | ", methods)} | fit used |");
        writer.WriteLine($"|---|{string.Concat(methods.Select(_ => "---|"))}---|");
        foreach (var s in scores) writer.WriteLine($"{Row(s.Task.Name, [s])} {s.Used} |");
        writer.WriteLine();
        writer.WriteLine($"| mean of | {string.Join(" | ", methods)} |");
        writer.WriteLine($"|---|{string.Concat(methods.Select(_ => "---|"))}");
        foreach (var g in scores.GroupBy(s => s.Task.Group)) writer.WriteLine(Row($"{g.Key} ({g.Count()})", g));
        writer.WriteLine(Row($"all {scores.Count}", scores));
        var best = methods.Skip(1).Select(m => (m, wins: scores.Count(s => s[ExtrapolationBenchmark.Default].Rms <= s[m].Rms))).ToList();
        writer.WriteLine($"{ExtrapolationBenchmark.Default} at least as good as: " + string.Join(", ", best.Select(b => $"{b.m} on {b.wins}/{scores.Count}")));
    }

    private static string Percent(double fraction) => (100 * fraction).ToString("F2", CultureInfo.InvariantCulture) + "%";
}
