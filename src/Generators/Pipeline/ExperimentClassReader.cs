using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using ViTDsl.Generators.Evaluation;

namespace ViTDsl.Generators.Pipeline;

/// <summary>
/// The pipeline's first, cheap step: reads one [Experiments] class and lowers each Experiment and Sweep property to
/// data (<see cref="DeclarationLowering"/>). It evaluates nothing; it re-runs on every edit, so it must stay cheap.
/// </summary>
internal static class ExperimentClassReader
{
    public static ExperimentClass Read(GeneratorAttributeSyntaxContext context, CancellationToken cancellation)
    {
        var type = (INamedTypeSymbol)context.TargetSymbol;
        var syntax = (ClassDeclarationSyntax)context.TargetNode;
        var ns = type.ContainingNamespace.IsGlobalNamespace ? "" : type.ContainingNamespace.ToDisplayString();
        if (!type.IsStatic || type.ContainingType is not null || !syntax.Modifiers.Any(SyntaxKind.PartialKeyword))
            return new ExperimentClass(ns, type.Name,
                new[] { new DiagnosticInfo(DiagnosticKinds.ClassNotStaticPartial.Id, type.Name, "", LocationInfo.From(syntax.Identifier.GetLocation())) }.ToEquatableArray(),
                default);

        var diagnostics = new List<DiagnosticInfo>();
        var declarations = new List<DeclarationSource>();
        var compilation = context.SemanticModel.Compilation;
        var models = new Dictionary<SyntaxTree, SemanticModel> { [context.SemanticModel.SyntaxTree] = context.SemanticModel };
        var experimentType = compilation.GetTypeByMetadataName(typeof(Experiment).FullName!);
        var sweepType = compilation.GetTypeByMetadataName(typeof(Sweep).FullName!);
        foreach (var property in type.GetMembers().OfType<IPropertySymbol>())
        {
            cancellation.ThrowIfCancellationRequested();
            bool isExperiment = SymbolEqualityComparer.Default.Equals(property.Type, experimentType);
            bool isSweep = SymbolEqualityComparer.Default.Equals(property.Type, sweepType);
            if (!property.IsStatic || !(isExperiment || isSweep)) continue;
            if (property.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax(cancellation) is not PropertyDeclarationSyntax declaration) continue;

            var identifier = LocationInfo.From(declaration.Identifier.GetLocation());
            var expression = DeclarationLowering.ExpressionOf(declaration);
            if (expression is null)
            {
                diagnostics.Add(new DiagnosticInfo(DiagnosticKinds.NotAnExpression.Id, property.Name, "", identifier));
                continue;
            }
            var lowered = DeclarationLowering.Lower(compilation, models, expression, cancellation);
            declarations.Add(new DeclarationSource(new DeclarationKey(ns, type.Name, property.Name), isSweep,
                property.DeclaredAccessibility == Accessibility.Public, identifier, lowered));
        }
        return new ExperimentClass(ns, type.Name, diagnostics.ToEquatableArray(), declarations.ToEquatableArray());
    }

    public static ClassOutline Outline(ExperimentClass owner) => new(owner.Namespace, owner.ClassName,
        owner.Declarations.Select(d => new DeclarationOutline(d.Key.Name, d.IsSweep, d.IsPublic)).ToEquatableArray());
}
