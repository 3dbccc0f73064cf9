using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using ViTDsl.Generators.Evaluation;

namespace ViTDsl.Generators.Pipeline;

/// <summary>
/// The expensive steps, run per declaration and only when its lowered tree changed: evaluation with sweep expansion
/// and the Dsl's rules (<see cref="Evaluate"/>), then facts and printed source (<see cref="Facts"/>). Neither throws:
/// any failure becomes a problem on its own declaration, so the others still generate.
/// </summary>
internal static class DeclarationEvaluation
{
    public static Evaluated Evaluate(DeclarationInput input, CancellationToken cancellation)
    {
        var problems = new List<Problem>();
        Evaluated Result(IEnumerable<NamedExperiment>? experiments = null, double? limit = null) =>
            new(input.Key, false, (experiments ?? []).ToEquatableArray(), limit, problems.ToEquatableArray());
        try
        {
            var value = new IrInterpreter(cancellation).Evaluate(input.Root);
            if (value is Experiment experiment)
                return Checked(input.Key.Name, experiment, problems, trial: null) is { } ok ? Result([ok]) : Result();
            if (value is Sweep sweep)
            {
                var trials = sweep.Trials().Select(t => Checked(t.Name, t.Experiment, problems, trial: t.Name)).ToList();
                return (problems.Count > 0 ? Result() : Result(trials.Select(t => t!), sweep.TrialTimeLimitSeconds)) with { IsSweep = true, SweepBaseline = sweep.Baseline };
            }
            return Result();
        }
        catch (OperationCanceledException) { throw; }
        catch (Exception e)
        {
            problems.Clear();
            if (ProblemOf(e, input.Key.Name) is { } problem) problems.Add(problem);
            return Result();
        }
    }

    public static DeclarationOutput Facts(Evaluated evaluated, CancellationToken cancellation)
    {
        try
        {
            var experiments = evaluated.Experiments.Select(e =>
            {
                cancellation.ThrowIfCancellationRequested();
                var source = evaluated.SweepBaseline is { } baseline
                    ? SourceText.PrettyChanges(Emit.SweepEmitter.BaselineMember, baseline, e.Value) : SourceText.Pretty(e.Value);
                return new ExperimentDeclaration(e.Name, e.Value, source, PlanFacts.Of(e.Value), e.Value.BuiltModel());
            }).ToEquatableArray();
            var sweepFacts = evaluated.IsSweep && experiments.Length > 0
                ? SweepFacts.Of(experiments.Select(e => e.Value).ToList(), evaluated.TrialTimeLimitSeconds) : null;
            return new DeclarationOutput(evaluated.Key, evaluated.IsSweep, experiments, sweepFacts, evaluated.Problems)
            {
                BaselineSource = evaluated.SweepBaseline is { } b ? SourceText.Pretty(b) : null,
            };
        }
        catch (OperationCanceledException) { throw; }
        catch (Exception e)
        {
            var problems = ProblemOf(e, evaluated.Key.Name) is { } problem ? new[] { problem } : [];
            return new DeclarationOutput(evaluated.Key, evaluated.IsSweep, default, null, problems.ToEquatableArray());
        }
    }

    private static NamedExperiment? Checked(string name, Experiment experiment, List<Problem> problems, string? trial)
    {
        var found = ExperimentRules.Check(experiment);
        foreach (var problem in found)
            problems.Add(new Problem(problem.Id, problem.Member, trial is null ? problem.Message : $"Trial '{trial}': {problem.Message}", Member: problem.Member));
        return found.Count > 0 ? null : new NamedExperiment(name, experiment);
    }

    /// <summary>
    /// An exception as a problem on its declaration: the user's to fix, or (unexpected) a bug to report; none for code
    /// that does not compile, whose errors the compiler reports.
    /// </summary>
    private static Problem? ProblemOf(Exception e, string declaration) => e switch
    {
        InvalidCodeException => null,
        NotEvaluableException n => new Problem(DiagnosticKinds.NotEvaluable.Id, Subject: null, n.Message, n.Site),
        DslThrewException d => new Problem(DiagnosticKinds.EvaluationFailed.Id, Subject: null, d.Message, d.Site),
        DslBugException b => new Problem(DiagnosticKinds.InternalError.Id, declaration, Describe(b.InnerException!), b.Site),
        _ => new Problem(DiagnosticKinds.InternalError.Id, declaration, Describe(e), 0),
    };

    private static string Describe(Exception e) => $"{e.GetType().FullName}: {e.Message}";
}
