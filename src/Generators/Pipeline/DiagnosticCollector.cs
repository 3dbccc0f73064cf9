using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;

namespace ViTDsl.Generators.Pipeline;

/// <summary>A declaration's problems, without its values: the diagnostics step's input.</summary>
internal sealed record DeclarationProblems(DeclarationKey Key, EquatableArray<Problem> Problems);

/// <summary>
/// The diagnostics step: places each declaration's problems at their code (the sites and member locations recorded
/// by the cheap step), adds the classes' own diagnostics and flags short names declared by more than one class.
/// It is cheap, so it may re-run whenever code moves while evaluation stays cached.
/// </summary>
internal static class DiagnosticCollector
{
    public static EquatableArray<DiagnosticInfo> Collect(ImmutableArray<ExperimentClass> classes, ImmutableArray<DeclarationProblems> problems)
    {
        var sources = new Dictionary<DeclarationKey, DeclarationSource>();
        foreach (var declaration in classes.SelectMany(c => c.Declarations)) sources[declaration.Key] = declaration;
        var diagnostics = classes.SelectMany(c => c.Diagnostics).ToList();
        foreach (var entry in problems)
        {
            if (!sources.TryGetValue(entry.Key, out var source)) continue;
            foreach (var problem in entry.Problems)
            {
                var lowered = source.Lowered;
                var site = problem.Site >= 0 && problem.Site < lowered.Sites.Length ? lowered.Sites[problem.Site] : null;
                var location = site
                    ?? (problem.Member is { } member ? lowered.Members.LastOrDefault(m => m.Sets(member))?.Location : null)
                    ?? (lowered.Sites.Length > 0 ? lowered.Sites[0] : source.Identifier);
                diagnostics.Add(new DiagnosticInfo(problem.Id, problem.Subject ?? location.Text, problem.Detail, location));
            }
        }
        diagnostics.AddRange(DuplicateShortNames(classes));
        return diagnostics.ToEquatableArray();
    }

    /// <summary>A public declaration whose name another [Experiments] class also declares: the CLI needs 'Class.Name' for both.</summary>
    private static IEnumerable<DiagnosticInfo> DuplicateShortNames(ImmutableArray<ExperimentClass> classes) =>
        classes.SelectMany(c => c.Declarations.Where(d => d.IsPublic))
            .GroupBy(d => d.Key.Name)
            .Where(g => g.Select(d => d.Key.ClassFullName).Distinct().Count() > 1)
            .SelectMany(g => g.Select(d => new DiagnosticInfo(DiagnosticKinds.DuplicateShortName.Id, d.Key.Name,
                string.Join(", ", g.Select(o => o.Key.ClassName + "." + o.Key.Name)), d.Identifier)));
}
