using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace ViTDsl.Generators.Pipeline;

// The pipeline's models hold no ISymbol, SyntaxNode or Compilation: only values with structural equality, so an edit
// that leaves a declaration's value unchanged leaves every later step cached.

/// <summary>One [Experiments] class and what its declarations evaluated to.</summary>
internal sealed record ExperimentClass(
    string Namespace,
    string ClassName,
    EquatableArray<ExperimentDeclaration> Declarations,
    EquatableArray<SweepDeclaration> Sweeps,
    EquatableArray<DiagnosticInfo> Diagnostics);

/// <summary>One sweep evaluated at build time: its trials, each a full declaration with its own facts.</summary>
internal sealed record SweepDeclaration(string Name, EquatableArray<ExperimentDeclaration> Trials, double? TrialTimeLimitSeconds = null);

/// <summary>One declaration evaluated at build time: its value (a Dsl record), how to rebuild it in C#, and its facts.</summary>
internal sealed record ExperimentDeclaration(string Name, Experiment Value, string ValueSource, PlanFacts Facts)
{
    public string FullName(ExperimentClass owner) => owner.ClassName + "." + Name;
}

/// <summary>A diagnostic kept as plain data until the output step.</summary>
internal sealed record DiagnosticInfo(string Id, string Argument0, string Argument1, LocationInfo? Location)
{
    public Diagnostic ToDiagnostic()
    {
        var descriptor = Id switch
        {
            "VIT001" => Generators.Diagnostics.NotEvaluable,
            "VIT005" => Generators.Diagnostics.ClassNotStaticPartial,
            "VIT006" => Generators.Diagnostics.EvaluationFailed,
            "VIT007" => Generators.Diagnostics.NotAnExpression,
            _ => Generators.Diagnostics.ForRule(Id),
        };
        return Diagnostic.Create(descriptor, Location?.ToLocation(), Argument0, Argument1);
    }

    public static DiagnosticInfo Create(DiagnosticDescriptor descriptor, SyntaxNode? at, string argument0, string argument1 = "") =>
        new(descriptor.Id, argument0, argument1, at is null ? null : LocationInfo.From(at.GetLocation()));
}

internal sealed record LocationInfo(string FilePath, TextSpan Span, LinePositionSpan Lines)
{
    public Location ToLocation() => Location.Create(FilePath, Span, Lines);
    public static LocationInfo From(Location location) =>
        new(location.SourceTree?.FilePath ?? "", location.SourceSpan, location.GetLineSpan().Span);
}
