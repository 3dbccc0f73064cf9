using System;
using System.Collections.Generic;

namespace ViTDsl;

/// <summary>
/// When a run measures its test error during training, besides the final evaluation: <paramref name="Points"/>
/// evaluations in all (the last at the final step), log-spaced in steps from <paramref name="FirstFraction"/> of the run
/// to its end. Log spacing suits learning curves, which are fitted and plotted on log axes: evenly spaced steps would put
/// most points in the last decade, where the curve is flattest, and few where it bends.
/// </summary>
/// <param name="Points">Evaluations per run, the final one included; 1 evaluates only at the end.</param>
/// <param name="FirstFraction">The first evaluation's step as a fraction of the run's steps (0.01: two decades of steps).</param>
public sealed record Evaluations(int Points = 12, double FirstFraction = 0.01)
{
    /// <summary>The default: 12 evaluations over the last two decades of steps (enough for a 5-constant law plus a backtest).</summary>
    public static Evaluations Default { get; } = new();

    /// <summary>Only the final evaluation.</summary>
    public static Evaluations FinalOnly { get; } = new(1);

    /// <summary>Most evaluations a run may declare: each is a pass over the test images.</summary>
    public const int MaxPoints = 1000;

    /// <summary>
    /// The steps before the last (<paramref name="totalSteps"/>) at which to evaluate, ascending and distinct:
    /// round(T·f^(1 − i/(P − 1))) for i = 0 … P − 2. Rounding can merge neighbours in a short run, so a run of few steps
    /// evaluates fewer times.
    /// </summary>
    public IReadOnlyList<long> PeriodicSteps(long totalSteps)
    {
        var steps = new List<long>();
        if (Points < 2 || totalSteps < 2) return steps;
        for (int i = 0; i < Points - 1; i++)
        {
            long step = (long)Math.Round(totalSteps * Math.Pow(FirstFraction, 1 - (double)i / (Points - 1)));
            if (step >= 1 && step < totalSteps && (steps.Count == 0 || step > steps[steps.Count - 1])) steps.Add(step);
        }
        return steps;
    }
}

/// <summary>The rules of <see cref="Experiment.Evaluations"/>.</summary>
internal static class EvaluationRules
{
    /// <summary>Diagnostic id of a periodic-evaluation declaration that cannot be used.</summary>

    public static IReadOnlyList<Problem> Check(Evaluations? evaluations)
    {
        var problems = new List<Problem>();
        if (evaluations is null)
            problems.Add(new Problem(DiagnosticKinds.BadEvaluations.Id, nameof(Experiment.Evaluations),
                "Evaluations is null; use Evaluations.Default (12 log-spaced evaluations) or Evaluations.FinalOnly."));
        else
        {
            if (evaluations.Points < 1 || evaluations.Points > Evaluations.MaxPoints)
                problems.Add(new Problem(DiagnosticKinds.BadEvaluations.Id, nameof(Experiment.Evaluations),
                    $"Evaluations.Points is {evaluations.Points}; it counts evaluations per run including the final one, so it must lie in 1…{Evaluations.MaxPoints} (1: only at the end; 12 by default)."));
            if (!(evaluations.FirstFraction > 0 && evaluations.FirstFraction < 1))
                problems.Add(new Problem(DiagnosticKinds.BadEvaluations.Id, nameof(Experiment.Evaluations),
                    $"Evaluations.FirstFraction is {evaluations.FirstFraction}; the first evaluation's step as a fraction of the run must lie strictly between 0 and 1 (0.01: the last two decades)."));
        }
        return problems;
    }
}
