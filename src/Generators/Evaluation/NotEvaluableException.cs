using System;
using Microsoft.CodeAnalysis;

namespace ViTDsl.Generators.Evaluation;

/// <summary>Thrown when part of a declaration is outside what the generator can evaluate; carries the culprit's syntax.</summary>
internal sealed class NotEvaluableException(SyntaxNode at, string reason) : Exception(reason)
{
    public SyntaxNode At { get; } = at;
}

/// <summary>Thrown when the code already has compiler errors: the compiler reports those, the generator stays silent.</summary>
internal sealed class InvalidCodeException() : Exception("invalid code");

/// <summary>Thrown when a Dsl method or constructor itself throws (e.g. an unknown preset name).</summary>
internal sealed class DslThrewException(SyntaxNode at, Exception inner) : Exception(inner.Message, inner)
{
    public SyntaxNode At { get; } = at;
}
