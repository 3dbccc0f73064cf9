using System;

namespace ViTDsl.Generators.Evaluation;

/// <summary>Thrown when part of a declaration is outside what the generator can evaluate; carries the culprit's site.</summary>
internal sealed class NotEvaluableException(int site, string reason) : Exception(reason)
{
    public int Site { get; } = site;
}

/// <summary>Thrown when the code already has compiler errors: the compiler reports those, the generator stays silent.</summary>
internal sealed class InvalidCodeException() : Exception("invalid code");

/// <summary>Thrown when a Dsl method or constructor rejects its arguments (e.g. an unknown preset name).</summary>
internal sealed class DslThrewException(int site, Exception inner) : Exception(inner.Message, inner)
{
    public int Site { get; } = site;
}

/// <summary>
/// Thrown when Dsl code fails in a way no valid or invalid input should cause (a NullReferenceException, an index out
/// of range): a bug in ViTDsl, reported as an internal error on the declaration rather than crashing the generator.
/// </summary>
internal sealed class DslBugException(int site, Exception inner) : Exception(inner.Message, inner)
{
    public int Site { get; } = site;
}
