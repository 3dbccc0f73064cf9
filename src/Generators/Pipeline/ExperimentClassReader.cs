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
/// The pipeline's first step: reads one [Experiments] class, evaluates each Experiment property with the Dsl's
/// semantics and checks it with the Dsl's rules. Its output is plain data (see <see cref="ExperimentClass"/>).
/// </summary>
internal static class ExperimentClassReader
{
    private const string ExperimentTypeName = "ViTDsl.Experiment";

    public static ExperimentClass Read(GeneratorAttributeSyntaxContext context, CancellationToken cancellation)
    {
        var type = (INamedTypeSymbol)context.TargetSymbol;
        var syntax = (ClassDeclarationSyntax)context.TargetNode;
        var ns = type.ContainingNamespace.IsGlobalNamespace ? "" : type.ContainingNamespace.ToDisplayString();
        var diagnostics = new List<DiagnosticInfo>();
        var declarations = new List<ExperimentDeclaration>();

        if (!type.IsStatic || type.ContainingType is not null || !syntax.Modifiers.Any(SyntaxKind.PartialKeyword))
        {
            diagnostics.Add(DiagnosticInfo.Create(Diagnostics.ClassNotStaticPartial, syntax.Identifier.Parent, type.Name) with
            {
                Location = LocationInfo.From(syntax.Identifier.GetLocation()),
            });
            return new(ns, type.Name, declarations.ToEquatableArray(), diagnostics.ToEquatableArray());
        }

        var experimentType = context.SemanticModel.Compilation.GetTypeByMetadataName(ExperimentTypeName);
        foreach (var property in type.GetMembers().OfType<IPropertySymbol>())
        {
            cancellation.ThrowIfCancellationRequested();
            if (!property.IsStatic || !SymbolEqualityComparer.Default.Equals(property.Type, experimentType)) continue;
            if (property.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax(cancellation) is not PropertyDeclarationSyntax declaration) continue;
            var result = ReadDeclaration(context.SemanticModel.Compilation, property.Name, declaration, diagnostics, cancellation);
            if (result is not null) declarations.Add(result);
        }
        return new(ns, type.Name, declarations.ToEquatableArray(), diagnostics.ToEquatableArray());
    }

    private static ExperimentDeclaration? ReadDeclaration(
        Compilation compilation, string name, PropertyDeclarationSyntax declaration, List<DiagnosticInfo> diagnostics, CancellationToken cancellation)
    {
        var expression = DeclarationEvaluator.ExpressionOf(declaration);
        if (expression is null)
        {
            diagnostics.Add(DiagnosticInfo.Create(Diagnostics.NotAnExpression, declaration, name) with
            {
                Location = LocationInfo.From(declaration.Identifier.GetLocation()),
            });
            return null;
        }
        var operation = compilation.GetSemanticModel(expression.SyntaxTree).GetOperation(expression, cancellation);
        if (operation is null) return null;

        Experiment experiment;
        try
        {
            experiment = (Experiment)new DeclarationEvaluator(compilation, cancellation).Evaluate(operation)!;
        }
        catch (InvalidCodeException) { return null; }
        catch (NotEvaluableException e)
        {
            diagnostics.Add(DiagnosticInfo.Create(Diagnostics.NotEvaluable, e.At, e.At.ToString(), e.Message));
            return null;
        }
        catch (DslThrewException e)
        {
            diagnostics.Add(DiagnosticInfo.Create(Diagnostics.EvaluationFailed, e.At, e.At.ToString(), e.Message));
            return null;
        }

        var problems = ExperimentRules.Check(experiment);
        foreach (var problem in problems)
            diagnostics.Add(new DiagnosticInfo(problem.Id, problem.Message, "", LocationInfo.From(Locate(operation, problem.Member).GetLocation())));
        return problems.Count > 0 ? null : new ExperimentDeclaration(name, experiment, ValuePrinter.Print(experiment), PlanFacts.Of(experiment));
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
