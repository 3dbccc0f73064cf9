using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;
using ViTDsl.Generators.Evaluation;

namespace ViTDsl.Generators.Pipeline;

// The pipeline's models hold no ISymbol, SyntaxNode or Compilation: only values with structural equality, so an edit
// that leaves a declaration's inputs unchanged leaves every later step cached.

/// <summary>A declaration's identity: the class that declares it and its property name.</summary>
internal sealed record DeclarationKey(string Namespace, string ClassName, string Name)
{
    public string ClassFullName => (Namespace.Length > 0 ? Namespace + "." : "") + ClassName;
}

/// <summary>One [Experiments] class as read by the cheap step: its diagnostics and its lowered declarations.</summary>
internal sealed record ExperimentClass(
    string Namespace, string ClassName, EquatableArray<DiagnosticInfo> Diagnostics, EquatableArray<DeclarationSource> Declarations);

/// <summary>A declaration lowered to data (<see cref="LoweredDeclaration"/>), with where it is declared.</summary>
internal sealed record DeclarationSource(DeclarationKey Key, bool IsSweep, bool IsPublic, LocationInfo Identifier, LoweredDeclaration Lowered)
{
    public DeclarationInput Input => new(Key, Lowered.Root);
}

/// <summary>What an evaluation depends on, and nothing else: no locations, so moving code keeps it cached.</summary>
internal sealed record DeclarationInput(DeclarationKey Key, Ir Root);

/// <summary>The location-free outline of a class, for the emit step: which declarations it has, public or not.</summary>
internal sealed record ClassOutline(string Namespace, string ClassName, EquatableArray<DeclarationOutline> Declarations);

internal sealed record DeclarationOutline(string Name, bool IsSweep, bool IsPublic);

/// <summary>An experiment (or trial) as evaluated and checked, before its facts.</summary>
internal sealed record NamedExperiment(string Name, Experiment Value);

/// <summary>
/// What evaluating a declaration gave: an experiment (one entry), a sweep's trials, or problems. A problem is located
/// by a site of the lowered tree or by the member a Dsl rule names.
/// </summary>
internal sealed record Evaluated(
    DeclarationKey Key, bool IsSweep, EquatableArray<NamedExperiment> Experiments, double? TrialTimeLimitSeconds, EquatableArray<Problem> Problems)
{
    /// <summary>A sweep's baseline, against which its trials are printed.</summary>
    public Experiment? SweepBaseline { get; init; }
}

/// <summary>A problem found while evaluating, checking or computing facts; its location is resolved in the diagnostics step.</summary>
/// <param name="Id">Its <see cref="DiagnosticKinds"/> id.</param>
/// <param name="Subject">What the message names (its <c>{0}</c>): the declaration; null for the code at the problem's location.</param>
/// <param name="Detail">What is wrong (the message's <c>{1}</c>).</param>
/// <param name="Site">The lowered tree's site at fault, or -1.</param>
/// <param name="Member">The record member a Dsl rule names, located where the declaration sets it.</param>
internal sealed record Problem(string Id, string? Subject, string Detail, int Site = -1, string? Member = null);

/// <summary>A declaration with its facts: what the emitter writes.</summary>
internal sealed record DeclarationOutput(
    DeclarationKey Key, bool IsSweep, EquatableArray<ExperimentDeclaration> Experiments, SweepFacts? SweepFacts, EquatableArray<Problem> Problems)
{
    /// <summary>A sweep's baseline as C#; its trials' <see cref="ExperimentDeclaration.ValueSource"/> are 'Baseline with { … }'.</summary>
    public string? BaselineSource { get; init; }

    public bool Succeeded => Problems.Length == 0 && Experiments.Length > 0;
}

/// <summary>One experiment (or sweep trial) evaluated at build time: its value, how to rebuild it in C#, its facts and model shape.</summary>
internal sealed record ExperimentDeclaration(string Name, Experiment Value, string ValueSource, PlanFacts Facts, Vit Shape);

/// <summary>A diagnostic kept as plain data until the output step.</summary>
/// <param name="Subject">What the message names (<c>{0}</c> of its <see cref="DiagnosticKind.MessageFormat"/>).</param>
/// <param name="Detail">What is wrong (<c>{1}</c>).</param>
internal sealed record DiagnosticInfo(string Id, string Subject, string Detail, LocationInfo? Location)
{
    public Diagnostic ToDiagnostic() => Diagnostic.Create(Generators.Diagnostics.ById(Id), Location?.ToLocation(), Subject, Detail);
}

/// <summary>A location as plain data, with the text of the code there (for messages that quote it).</summary>
internal sealed record LocationInfo(string FilePath, TextSpan Span, LinePositionSpan Lines, string Text)
{
    public Location ToLocation() => Location.Create(FilePath, Span, Lines);
    public static LocationInfo From(Location location) =>
        new(location.SourceTree?.FilePath ?? "", location.SourceSpan, location.GetLineSpan().Span,
            location.SourceTree?.GetText().ToString(location.SourceSpan) ?? "");
}
