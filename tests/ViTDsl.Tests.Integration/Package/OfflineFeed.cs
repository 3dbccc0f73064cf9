namespace ViTDsl.Tests.Package;

/// <summary>
/// A NuGet.config for a project outside the repository that restores offline: the only source is a local folder of
/// freshly packed packages, and every other package is read from this machine's global packages folder (where the
/// repository's own restore put them) as a fallback folder. Restored packages go to a private folder, so a package
/// packed by an earlier run under the same version is never picked up from a cache.
/// </summary>
public static class OfflineFeed
{
    public static string MachinePackagesFolder =>
        Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } configured
            ? configured
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");

    public static void WriteConfig(string projectDirectory, string feed, string packagesFolder) =>
        File.WriteAllText(Path.Combine(projectDirectory, "NuGet.Config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <config>
                <add key="globalPackagesFolder" value="{packagesFolder}" />
              </config>
              <packageSources>
                <clear />
                <add key="packed" value="{feed}" />
              </packageSources>
              <fallbackPackageFolders>
                <clear />
                <add key="machine" value="{MachinePackagesFolder}" />
              </fallbackPackageFolders>
            </configuration>
            """);
}
