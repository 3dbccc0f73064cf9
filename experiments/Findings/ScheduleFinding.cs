using ViTDsl.Runtime.Analysis.Findings;
using ViTDsl.Runtime.Workers;
using static ViTDsl.Experiments.Findings.FindingParts;

namespace ViTDsl.Experiments.Findings;

/// <summary>Finding (f): cooldowns branched off one rsqrt run match separate linear-decay runs, for less compute.</summary>
internal static class ScheduleFinding
{
    public static FindingSection Analyse(FindingInput input, VerdictRule rule)
    {
        var trials = input.Trials;
        bool Is(FindingTrial t, string schedule) => t.Label(Labels.Schedule) == schedule;
        var durations = trials.Select(t => t.Steps).Distinct().Order().ToList();
        var comparisons = durations.Select(d => new Comparison($"test error at {d} steps: branched cooldown − linear decay",
            rule.Decide(Paired(trials, t => Is(t, Labels.Branched) && t.Steps == d, t => Is(t, Labels.Linear) && t.Steps == d, t => t.TestError)))).ToList();
        var series = new[] { (Labels.Branched, "rsqrt + cooldown branches (one run)"), (Labels.Linear, "linear decay (separate runs)") }
            .Select(s => new IntervalSeries(s.Item2, durations.Select(d => new IntervalPoint(d, Over(trials, t => Is(t, s.Item1) && t.Steps == d, t => t.TestError))).ToList())).ToList();
        // Compute: declared (the generator's branched count) and measured (each trial's recorded training FLOPs).
        var declared = input.Sweep.Trials.GroupBy(t => FindingTrial.ParseLabels(t.Name[(input.Sweep.Name.Length + 1)..])[Labels.Schedule])
            .ToDictionary(g => g.Key, g => Lineage.StepsWhenBranched(g.Select(t => t.Declaration)) * (double)g.First().Declaration.Data.Batch);
        double Measured(string schedule) => trials.Where(t => Is(t, schedule)).Sum(t => t.Final.GetValueOrDefault(MetricName.TrainFlops));
        double ratio = Measured(Labels.Branched) / Measured(Labels.Linear);
        return new FindingSection("f-schedules", "(f) Cooldowns branched off one rsqrt run match separate linear-decay runs",
            FindingCatalog.Schedules.Claim,
            Declaration(input),
            comparisons,
            [$"| schedule | images trained, as declared (branches share their prefix) | training FLOPs, measured |\n|---|---|---|\n" +
             $"| rsqrt + cooldown branches | {declared.GetValueOrDefault(Labels.Branched):N0} | {F(Measured(Labels.Branched), "G4")} |\n" +
             $"| linear decay, separate runs | {declared.GetValueOrDefault(Labels.Linear):N0} | {F(Measured(Labels.Linear), "G4")} |"],
            [IntervalFigures.Lines("f_error_vs_duration.png", "Test error vs training duration", "Training steps", "Test error", series, logX: true, logY: false)])
        {
            WallTime = input.WallTime,
            Notes = [$"Measured training compute of the branched schedule: {100 * ratio:0}% of the separate linear runs' (over every seed's finished trials)."],
        };
    }
}
