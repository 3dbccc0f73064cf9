using ViTDsl.Cli;
using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Npgsql;
using ViTDsl.Runtime.Store;

namespace ViTDsl.Experiments.Bench;

public static partial class BenchCommands
{
    /// <summary>
    /// `vitdsl bench store --store postgres://…`: what recording a trial costs in each store, measured in one run: the
    /// commits a trial makes (begin, progress batches, end) on a fresh SQLite file and on a fresh schema of the given
    /// PostgreSQL database, interleaved, as a ratio. The schema is dropped afterwards.
    /// </summary>
    public static Command Store(TextWriter? output = null)
    {
        var store = new Option<string>("--store") { Description = "The PostgreSQL store to compare with SQLite: postgres://user:password@host/database.", Required = true };
        var trials = new Option<int>("--trials") { Description = "Trials recorded in each store (interleaved; medians reported).", DefaultValueFactory = _ => 20 };
        var steps = new Option<int>("--steps") { Description = "Steps per trial (two metrics each, committed in batches of five, as a worker streams them).", DefaultValueFactory = _ => 100 };
        var command = new Command("store", "Time recording a trial's progress in SQLite and in PostgreSQL, as a ratio measured in one run.");
        store.Validators.Add(r => { if (!PostgresUrl.IsUrl(r.GetValueOrDefault<string>() ?? "")) r.AddError("--store must be a postgres:// URL (SQLite is the baseline it is compared with)"); });
        trials.Validators.Add(r => { if (r.GetValueOrDefault<int>() < 1) r.AddError("--trials must be at least 1"); });
        steps.Validators.Add(r => { if (r.GetValueOrDefault<int>() < 5) r.AddError("--steps must be at least 5"); });
        foreach (var option in new Option[] { store, trials, steps }) command.Options.Add(option);
        command.SetAction(parsed =>
        {
            var writer = output ?? Console.Out;
            var url = parsed.GetValue(store)!;
            var schema = $"bench_{Guid.NewGuid():N}";
            var folder = Directory.CreateTempSubdirectory("vitdsl-bench-store-").FullName;
            try
            {
                using var sqlite = ResultsStore.Open(Path.Combine(folder, "results.db"));
                using var postgres = ResultsStore.Open($"{url}{(url.Contains('?') ? '&' : '?')}search_path={schema}");
                var (sqliteSeconds, postgresSeconds) = (new List<double>(), new List<double>());
                for (var t = 0; t < parsed.GetValue(trials); t++)
                {
                    sqliteSeconds.Add(RecordTrial(sqlite, $"t{t}", parsed.GetValue(steps)));
                    postgresSeconds.Add(RecordTrial(postgres, $"t{t}", parsed.GetValue(steps)));
                }
                var commits = 3 + (parsed.GetValue(steps) + 4) / 5; // the sweep, begin, the batches, end
                double Median(List<double> xs) => xs.Order().ElementAt(xs.Count / 2);
                var (s, p) = (Median(sqliteSeconds), Median(postgresSeconds));
                writer.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"recording one trial ({parsed.GetValue(steps)} steps, {commits} commits), median of {sqliteSeconds.Count}: " +
                    $"SQLite {s * 1e3:F1} ms ({s / commits * 1e3:F2} ms/commit), PostgreSQL {p * 1e3:F1} ms ({p / commits * 1e3:F2} ms/commit): PostgreSQL ÷ SQLite {p / s:F2}×"));
                return ExitCodes.Success;
            }
            finally
            {
                Directory.Delete(folder, recursive: true);
                using var connection = new NpgsqlConnection(PostgresUrl.Parse(url).ConnectionString);
                connection.Open();
                using var drop = new NpgsqlCommand($"DROP SCHEMA IF EXISTS {schema} CASCADE", connection);
                drop.ExecuteNonQuery();
            }
        });
        return command;
    }

    // The store calls of one trial's attempt, as the runner makes them: begin, progress batches, end.
    private static double RecordTrial(ResultsStore store, string name, int steps)
    {
        var clock = Stopwatch.StartNew();
        var trial = store.EnsureSweep("bench", [(name, "{}")]).Single(t => t.Name == name);
        var attempt = store.BeginAttempt(trial.Id);
        for (var step = 1; step <= steps; step += 5)
            store.RecordProgress(attempt, Enumerable.Range(step, 5).SelectMany(s => new[] { new MetricRecord(s, MetricName.TrainLoss, 1.0 / s), new MetricRecord(s, MetricName.TrainImagesPerSecond, 100) }).ToList(), []);
        store.CompleteAttempt(attempt, AttemptOutcome.Succeeded, null, TrialTimings.Zero);
        return clock.Elapsed.TotalSeconds;
    }
}
