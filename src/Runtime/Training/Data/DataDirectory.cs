namespace ViTDsl.Runtime.Data;

/// <summary>
/// Where an installed data set is read from: the declared folder, or, when the declaration keeps the default
/// (where the build's prerequisites step installs it), the folder an environment variable names — so a user without
/// root can point at their own copy without editing declarations.
/// </summary>
internal static class DataDirectory
{
    public static string Resolve(string declared, string defaultFolder, string environmentVariable) =>
        declared == defaultFolder && Environment.GetEnvironmentVariable(environmentVariable) is { Length: > 0 } overridden
            ? overridden
            : declared;
}
