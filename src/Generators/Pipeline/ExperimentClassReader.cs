using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;
using ViTDsl.Generators.Emit;
using ViTDsl.Generators.Evaluation;

namespace ViTDsl.Generators.Pipeline;

/// <summary>
/// The pipeline's first step: reads one [Experiments] class, evaluates each Experiment and Sweep property with the
/// Dsl's semantics and checks every experiment with the Dsl's rules. Its output is plain data (<see cref="ExperimentClass"/>).
/// </summary>
internal static class ExperimentClassReader
{
    public static ExperimentClass Read(GeneratorAttributeSyntaxContext context, CancellationToken cancellation)
    {
        var type = (INamedTypeSymbol)context.TargetSymbol;
        var syntax = (ClassDeclarationSyntax)context.TargetNode;
        var ns = type.ContainingNamespace.IsGlobalNamespace ? "" : type.ContainingNamespace.ToDisplayString();
        var diagnostics = new List<DiagnosticInfo>();
        var declarations = new List<ExperimentDeclaration>();
        var sweeps = new List<SweepDeclaration>();
        ExperimentClass Result() => new(ns, type.Name, declarations.ToEquatableArray(), sweeps.ToEquatableArray(), diagnostics.ToEquatableArray());

        if (!type.IsStatic || type.ContainingType is not null || !syntax.Modifiers.Any(SyntaxKind.PartialKeyword))
        {
            diagnostics.Add(new DiagnosticInfo(Diagnostics.ClassNotStaticPartial.Id, type.Name, "", LocationInfo.From(syntax.Identifier.GetLocation())));
            return Result();
        }

        var compilation = context.SemanticModel.Compilation;
        var experimentType = compilation.GetTypeByMetadataName(typeof(Experiment).FullName!);
        var sweepType = compilation.GetTypeByMetadataName(typeof(Sweep).FullName!);
        foreach (var property in type.GetMembers().OfType<IPropertySymbol>())
        {
            cancellation.ThrowIfCancellationRequested();
            bool isExperiment = SymbolEqualityComparer.Default.Equals(property.Type, experimentType);
            bool isSweep = SymbolEqualityComparer.Default.Equals(property.Type, sweepType);
            if (!property.IsStatic || !(isExperiment || isSweep)) continue;
            if (property.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax(cancellation) is not PropertyDeclarationSyntax declaration) continue;

            var (value, operation) = Evaluate(compilation, property.Name, declaration, diagnostics, cancellation);
            if (value is Experiment experiment)
            {
                if (Checked(property.Name, experiment, operation!, diagnostics) is { } checkedDeclaration) declarations.Add(checkedDeclaration);
            }
            else if (value is Sweep sweep && Trials(property.Name, sweep, operation!, diagnostics) is { } trials)
                sweeps.Add(new SweepDeclaration(property.Name, trials.ToEquatableArray(), sweep.TrialTimeLimitSeconds));
        }
        return Result();
    }

    private static (object? Value, IOperation? Operation) Evaluate(
        Compilation compilation, string name, PropertyDeclarationSyntax declaration, List<DiagnosticInfo> diagnostics, CancellationToken cancellation)
    {
        var expression = DeclarationEvaluator.ExpressionOf(declaration);
        if (expression is null)
        {
            diagnostics.Add(new DiagnosticInfo(Diagnostics.NotAnExpression.Id, name, "", LocationInfo.From(declaration.Identifier.GetLocation())));
            return (null, null);
        }
        var operation = compilation.GetSemanticModel(expression.SyntaxTree).GetOperation(expression, cancellation);
        if (operation is null) return (null, null);
        try
        {
            return (new DeclarationEvaluator(compilation, cancellation).Evaluate(operation), operation);
        }
        catch (InvalidCodeException) { }
        catch (NotEvaluableException e)
        {
            diagnostics.Add(DiagnosticInfo.Create(Diagnostics.NotEvaluable, e.At, e.At.ToString(), e.Message));
        }
        catch (DslThrewException e)
        {
            diagnostics.Add(DiagnosticInfo.Create(Diagnostics.EvaluationFailed, e.At, e.At.ToString(), e.Message));
        }
        return (null, null);
    }

    private static ExperimentDeclaration? Checked(string name, Experiment experiment, IOperation operation, List<DiagnosticInfo> diagnostics, string? trial = null)
    {
        var problems = ExperimentRules.Check(experiment);
        foreach (var problem in problems)
            diagnostics.Add(new DiagnosticInfo(problem.Id, trial is null ? problem.Message : $"Trial '{trial}': {problem.Message}", "",
                LocationInfo.From(Locate(operation, problem.Member).GetLocation())));
        return problems.Count > 0 ? null : new ExperimentDeclaration(name, experiment, SourceText.Print(experiment), PlanFacts.Of(experiment));
    }

    private static List<ExperimentDeclaration>? Trials(string name, Sweep sweep, IOperation operation, List<DiagnosticInfo> diagnostics)
    {
        IReadOnlyList<Trial> trials;
        try { trials = sweep.Trials(); }
        catch (Exception e) when (e is NotEvaluableException or InvalidCodeException or DslThrewException)
        {
            if (e is NotEvaluableException n) diagnostics.Add(DiagnosticInfo.Create(Diagnostics.NotEvaluable, n.At, n.At.ToString(), n.Message));
            if (e is DslThrewException d) diagnostics.Add(DiagnosticInfo.Create(Diagnostics.EvaluationFailed, d.At, d.At.ToString(), d.Message));
            return null;
        }
        var checkedTrials = trials.Select(t => Checked(t.Name, t.Experiment, operation, diagnostics, trial: t.Name)).ToList();
        return checkedTrials.Any(t => t is null) ? null : checkedTrials.Select(t => t!).ToList();
    }

    /// <summary>
    /// The code that set <paramref name="member"/>: the last argument for a parameter of that name or the last
    /// 'Member = …' assignment in the declaration; the whole expression when the value came from elsewhere.
    /// </summary>
    private static SyntaxNode Locate(IOperation declaration, string member)
    {
        SyntaxNode? found = null;
        foreach (var operation in declaration.DescendantsAndSelf())
        {
            if (operation is IArgumentOperation { Parameter: { } parameter } argument && !argument.IsImplicit
                && string.Equals(parameter.Name, member, StringComparison.OrdinalIgnoreCase))
                found = argument.Syntax;
            else if (operation is ISimpleAssignmentOperation { Target: IPropertyReferenceOperation target } assignment
                && target.Property.Name == member)
                found = assignment.Syntax;
        }
        return found ?? declaration.Syntax;
    }
}
