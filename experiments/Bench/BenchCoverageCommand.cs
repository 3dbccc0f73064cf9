using ViTDsl.Cli;
using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using ViTDsl.Runtime.Analysis;

namespace ViTDsl.Experiments.Bench;

/// <summary>
/// `vitdsl bench coverage`: the actual coverage of the delta-method intervals of each law form, by simulation
/// (<see cref="CoverageSimulation"/>). Its 500-set output is recorded in docs/coverage.md; the tests run fewer sets.
/// </summary>
public static class BenchCoverageCommand
{
    public static Command Create(TextWriter? output = null)
    {
        var form = TypedOption.Of("--form", CliNames.LawForms, "all", $"Law form(s) to simulate: {CliNames.LawForms.Choices}.");
        var sets = new Option<int>("--sets") { Description = "Simulated data sets per form (500: a rate's standard error is 1.3 points at 90%).", DefaultValueFactory = _ => 500 };
        var points = new Option<int>("--points") { Description = "Points per data set, log-spaced over x = 1e-3…1e4.", DefaultValueFactory = _ => 12 };
        var noise = new Option<double>("--noise") { Description = "Standard deviation of the noise on log error (0.02: 2%).", DefaultValueFactory = _ => 0.02 };
        var threads = new Option<int>("--threads") { Description = "Data sets fitted in parallel.", DefaultValueFactory = _ => 1 };
        var json = new Option<bool>("--json") { Description = "Print the rates as JSON." };
        var profile = new Option<bool>("--profile") { Description = "Also the coverage of the floor's profile-likelihood interval (power law with floor, saturating law)." };
        var band = new Option<bool>("--band") { Description = "Also the coverage of the default fit's prediction band 10× beyond the data (every form fitted and averaged, guarded by M4, as fit predicts; slow: all forms per set)." };
        var cases = new Option<string[]>("--case")
        {
            Description = "Setups to simulate (repeatable): standard, 6-points, 8-points, floor-near-best, heteroscedastic, pareto, or all.",
            AllowMultipleArgumentsPerToken = true,
            DefaultValueFactory = _ => ["standard"],
        };
        cases.AcceptOnlyFromAmong(["all", .. CoverageSimulation.Cases.Keys]);
        sets.Validators.Add(r => { if (r.GetValueOrDefault<int>() < 1) r.AddError("--sets must be at least 1 (500 for the issue's ±3-point check)"); });
        threads.Validators.Add(r => { if (r.GetValueOrDefault<int>() < 1) r.AddError("--threads must be at least 1"); });
        noise.Validators.Add(r => { if (r.GetValueOrDefault<double>() is not (> 0 and < 1)) r.AddError("--noise must lie between 0 and 1, e.g. 0.02"); });
        var command = new Command("coverage", "Actual coverage of the 90% and 95% delta-method intervals of each law form over simulated data sets, and how often a fit is identified, in the standard setup and the hard cases.");
        foreach (var option in new Option[] { form, sets, points, noise, threads, json, cases, profile, band }) command.Options.Add(option);
        command.SetAction(parsed =>
        {
            var writer = output ?? Console.Out;
            var rows = new List<object>();
            var chosen = parsed.GetValue(cases)!.Contains("all") ? CoverageSimulation.Cases.Keys.ToArray() : parsed.GetValue(cases)!.Distinct().ToArray();
            foreach (var f in parsed.GetValue(form)!.Value)
            foreach (var name in chosen)
            {
                var standard = new CoverageSetup(CoverageSimulation.Truths[f], parsed.GetValue(points), Noise: parsed.GetValue(noise), Sets: parsed.GetValue(sets));
                var setup = CoverageSimulation.Cases[name](standard);
                var clock = Stopwatch.StartNew();
                var rates = CoverageSimulation.DeltaMethod(setup, [0.9, 0.95], threads: parsed.GetValue(threads));
                double seconds = clock.Elapsed.TotalSeconds;
                if (parsed.GetValue(profile) && f is LawForm.PowerLawWithFloor or LawForm.Saturating)
                    rates = [.. rates, .. CoverageSimulation.FloorProfile(setup, [0.9, 0.95], threads: parsed.GetValue(threads))];
                if (parsed.GetValue(band))
                    rates = [.. rates, .. CoverageSimulation.FitBand(setup, [0.9, 0.95], threads: parsed.GetValue(threads))];
                if (parsed.GetValue(json))
                {
                    rows.AddRange(rates.Select(r => new { form = f.ToString(), @case = name, r.Quantity, r.Level, r.Rate, r.Held, r.Sets, r.Drawn, r.IdentifiedShare, r.StandardError }));
                    continue;
                }
                writer.WriteLine($"{f}, {name}: truth {setup.Truth}, {setup.Sets} sets of {setup.Points} points, {Percent(setup.Noise, "F0")} log noise, " +
                                 $"identified {Percent(rates[0].IdentifiedShare, "F1")}, {seconds:F1} s ({1e3 * seconds / setup.Sets:F0} ms per fit)");
                foreach (var level in rates.GroupBy(r => r.Level))
                    writer.WriteLine($"  {Percent(level.Key, "F0")}: " + string.Join(", ", level.Select(r =>
                        $"{r.Quantity} {Percent(r.Rate, "F1")}{(r.Quantity.Contains("profile", StringComparison.Ordinal) || r.Quantity.Contains("band", StringComparison.Ordinal) ? $" of {r.Sets}" : "")}{(Math.Abs(r.Rate - r.Level) > Math.Max(0.03, 3 * r.StandardError) ? " (outside tolerance)" : "")}")));
            }
            if (parsed.GetValue(json)) writer.WriteLine(JsonSerializer.Serialize(rows, CliJson.Options));
            return ExitCodes.Success;
        });
        return command;
    }

    private static string Percent(double fraction, string format) => (100 * fraction).ToString(format, CultureInfo.InvariantCulture) + "%";
}
