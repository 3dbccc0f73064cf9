using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;

namespace ViTDsl.Generators;

/// <summary>
/// The descriptor of every diagnostic the generator reports, made from the Dsl's one table of kinds
/// (<see cref="DiagnosticKinds"/>): ids, titles, messages and severities are defined there, help links here.
/// </summary>
internal static class Diagnostics
{
    private const string Category = "ViTDsl";

    private static readonly Dictionary<string, DiagnosticDescriptor> Descriptors = DiagnosticKinds.All.ToDictionary(k => k.Id, Describe);

    /// <summary>The descriptor of <paramref name="id"/>; an id missing from <see cref="DiagnosticKinds"/> is a bug in ViTDsl.</summary>
    public static DiagnosticDescriptor ById(string id) =>
        Descriptors.TryGetValue(id, out var descriptor)
            ? descriptor
            : throw new InvalidOperationException($"Diagnostic id '{id}' is not in DiagnosticKinds.All; add it there (and a section to {DiagnosticsDocs.Path}).");

    private static DiagnosticDescriptor Describe(DiagnosticKind kind) =>
        new(kind.Id, kind.Title, kind.MessageFormat, Category, kind.IsWarning ? DiagnosticSeverity.Warning : DiagnosticSeverity.Error,
            isEnabledByDefault: true, helpLinkUri: DiagnosticsDocs.HelpLink(kind.Id));
}
