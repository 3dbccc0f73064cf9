using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using ViTDsl.Generators.Emit;
using ViTDsl.Generators.Pipeline;

namespace ViTDsl.Generators;

/// <summary>
/// For every static Experiment and Sweep property of an [Experiments] class: evaluates the declaration with the Dsl's
/// semantics, reports invalid ones as build errors, and emits for the public ones a plan of compile-time facts
/// (<c>NamePlan</c>, <c>NameSweep</c>), one typed TorchSharp model per distinct shape and a catalog of the assembly's
/// experiments.
/// </summary>
/// <remarks>
/// The pipeline is incremental per declaration. The cheap step (<see cref="ReadStep"/>) re-runs on every edit: it
/// lowers each declaration to equatable data, inlining what it references. Evaluation, sweep expansion and facts
/// (<see cref="EvaluationStep"/>, <see cref="FactsStep"/>) take only that data, so they re-run only for a declaration
/// whose expression or references changed. Locations travel apart, to the diagnostics step.
/// </remarks>
[Generator(LanguageNames.CSharp)]
public sealed class ExperimentsGenerator : IIncrementalGenerator
{
    public const string ReadStep = "ExperimentClasses";
    public const string DeclarationsStep = "Declarations";
    public const string InputsStep = "DeclarationInputs";
    public const string EvaluationStep = "Evaluation";
    public const string FactsStep = "Facts";
    public const string ProblemsStep = "Problems";
    public const string DiagnosticsStep = "Diagnostics";
    public const string OutlineStep = "Outlines";
    public const string EmitStep = "Emit";
    private const string RuntimeModuleType = "ViTDsl.Runtime.Models.VitModule";

    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        var classes = context.SyntaxProvider.ForAttributeWithMetadataName(
                "ViTDsl.ExperimentsAttribute",
                static (node, _) => node is Microsoft.CodeAnalysis.CSharp.Syntax.ClassDeclarationSyntax,
                ExperimentClassReader.Read)
            .WithTrackingName(ReadStep);

        var declarations = classes.SelectMany(static (owner, _) => owner.Declarations).WithTrackingName(DeclarationsStep);
        var outputs = declarations
            .Select(static (declaration, _) => declaration.Input).WithTrackingName(InputsStep)
            .Select(DeclarationEvaluation.Evaluate).WithTrackingName(EvaluationStep)
            .Select(DeclarationEvaluation.Facts).WithTrackingName(FactsStep);

        var diagnostics = outputs
            .Select(static (output, _) => new DeclarationProblems(output.Key, output.Problems)).WithTrackingName(ProblemsStep)
            .Collect()
            .Combine(classes.Collect())
            .Select(static (input, _) => DiagnosticCollector.Collect(input.Right, input.Left)).WithTrackingName(DiagnosticsStep);
        context.RegisterSourceOutput(diagnostics, static (output, found) =>
        {
            foreach (var diagnostic in found) output.ReportDiagnostic(diagnostic.ToDiagnostic());
        });

        // Models need ViTDsl.Runtime; without it (a Dsl-only project) the plans are still emitted.
        var hasRuntime = context.CompilationProvider
            .Select(static (compilation, _) => compilation.GetTypeByMetadataName(RuntimeModuleType) is not null);
        var outlines = classes.Select(static (owner, _) => ExperimentClassReader.Outline(owner)).WithTrackingName(OutlineStep);
        var emit = outputs.Collect().Combine(outlines.Collect()).Combine(hasRuntime).WithTrackingName(EmitStep);
        context.RegisterSourceOutput(emit, static (output, input) => Emit(output, input.Left.Right, input.Left.Left, input.Right));
    }

    private static void Emit(SourceProductionContext output, ImmutableArray<ClassOutline> classes, ImmutableArray<DeclarationOutput> results, bool withModels)
    {
        var assembly = AssemblyOutput.Of(classes, results);
        foreach (var owner in assembly.Classes)
            if (ClassEmitter.Emit(owner, assembly, withModels) is { } code)
                output.AddSource(owner.Outline.Namespace.Length > 0 ? $"{owner.Outline.Namespace}.{owner.Outline.ClassName}.g.cs" : owner.Outline.ClassName + ".g.cs", code);
        if (!withModels) return;
        output.AddSource("ViTDsl.Generated.Models.g.cs", ShapeModelsEmitter.Emit(assembly));
        output.AddSource("ExperimentCatalog.g.cs", CatalogEmitter.Emit(assembly));
    }
}
