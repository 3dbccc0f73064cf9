using System.Security.Cryptography;

namespace ViTDsl.Runtime.Workers;

/// <summary>Checksums of checkpoint files, as recorded in the store and verified before resuming.</summary>
internal static class CheckpointFiles
{
    /// <summary>The SHA-256 of a file's bytes, lower-case hex.</summary>
    public static string Sha256(string path)
    {
        using var file = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(file));
    }

    /// <summary>True when the file exists and has the recorded checksum (a half-written or replaced file does not).</summary>
    public static bool Matches(string path, string sha256) => File.Exists(path) && Sha256(path) == sha256;
}
