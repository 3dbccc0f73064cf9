using System.Linq;
using System.Reflection;

namespace ViTDsl.Generators;

/// <summary>
/// Where each diagnostic is documented: a section of docs/diagnostics.md. The base address is set once, at build
/// time, by the MSBuild property <c>ViTDslDocsBaseUrl</c> (by default <c>$(RepositoryUrl)/blob/main/</c> when a
/// package sets <c>RepositoryUrl</c>); without one the link is the repository-relative path.
/// </summary>
internal static class DiagnosticsDocs
{
    public const string Path = "docs/diagnostics.md";

    private static readonly string BaseUrl = typeof(DiagnosticsDocs).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .FirstOrDefault(a => a.Key == "ViTDslDocsBaseUrl")?.Value ?? "";

    /// <summary>The link to the section of <paramref name="id"/> (its heading's anchor, e.g. #vit003).</summary>
    public static string HelpLink(string id) => BaseUrl + Path + "#" + id.ToLowerInvariant();
}
