using System.Runtime.InteropServices;

namespace ViTDsl.Runtime.Train.Checkpoints;

/// <summary>
/// Crash-safe file replacement: write to a temporary file in the same directory, fsync it, rename it over the
/// target (atomic on POSIX), then fsync the directory so the rename itself survives a power loss. A reader sees
/// either the old file or the new one, never a half-written one.
/// </summary>
public static class DurableFile
{
    /// <summary>Writes <paramref name="path"/> atomically; <paramref name="write"/> fills the stream.</summary>
    public static void WriteAtomically(string path, Action<Stream> write)
    {
        string full = Path.GetFullPath(path);
        string directory = Path.GetDirectoryName(full)!;
        Directory.CreateDirectory(directory);
        string temporary = Path.Combine(directory, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var file = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 20))
            {
                write(file);
                file.Flush(flushToDisk: true);
            }
            File.Move(temporary, full, overwrite: true);
            SyncDirectory(directory);
        }
        catch
        {
            try { File.Delete(temporary); } catch (IOException) { }
            throw;
        }
    }

    /// <summary>fsync a directory (POSIX), making a rename or a new file's entry durable; a no-op elsewhere.</summary>
    public static void SyncDirectory(string directory)
    {
        if (OperatingSystem.IsWindows()) return;
        int fd = open(directory, 0 /* O_RDONLY */);
        if (fd < 0) return; // some file systems refuse; the data itself is already synced
        try { fsync(fd); }
        finally { close(fd); }
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int open([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags);

    [DllImport("libc", SetLastError = true)]
    private static extern int fsync(int fd);

    [DllImport("libc", SetLastError = true)]
    private static extern int close(int fd);
}
