using System.Runtime.InteropServices;

namespace ViTDsl.Runtime.Train.Checkpoints;

/// <summary>
/// Crash-safe file replacement: write to a temporary file in the same directory, fsync it, rename it over the
/// target (atomic on POSIX), then fsync the directory so the rename itself survives a power loss. A reader sees
/// either the old file or the new one, never a half-written one.
/// </summary>
internal static class DurableFile
{
    /// <summary>Writes <paramref name="path"/> atomically; <paramref name="write"/> fills the stream.</summary>
    /// <exception cref="DurableWriteException">Writing failed (e.g. the disk is full); the previous file is unchanged.</exception>
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
        catch (Exception e)
        {
            try { File.Delete(temporary); } catch (IOException) { }
            if (e is IOException io and not DurableWriteException) throw new DurableWriteException(full, io);
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

/// <summary>
/// A file could not be written (the disk is full, or the folder is not writable). The previous version of the file,
/// if there was one, is unchanged; the message names the file and what to do.
/// </summary>
internal sealed class DurableWriteException(string path, IOException cause) : IOException(Describe(path, cause), cause)
{
    /// <summary>The file that was being written.</summary>
    public string FilePath { get; } = path;

    /// <summary>True when the disk was full.</summary>
    public bool DiskFull { get; } = IsDiskFull(cause);

    // ENOSPC is errno 28 on Linux and macOS; Windows reports ERROR_DISK_FULL (112) or ERROR_HANDLE_DISK_FULL (39).
    private static bool IsDiskFull(IOException e) =>
        e.HResult is 28 or unchecked((int)0x80070070) or unchecked((int)0x80070027) || e.Message.Contains("No space left", StringComparison.OrdinalIgnoreCase);

    private static string Describe(string path, IOException cause)
    {
        var folder = Path.GetDirectoryName(path);
        var previous = File.Exists(path) ? "the previous version of the file is unchanged" : "no file was left behind";
        return IsDiskFull(cause)
            ? $"Could not write {path}: the disk holding {folder} is full ({cause.Message.TrimEnd('.')}); {previous}. " +
              "Free some space (or put the runs folder on a larger disk) and run the same command again: it resumes from the last checkpoint."
            : $"Could not write {path} ({cause.Message.TrimEnd('.')}); {previous}. Check that {folder} is writable and its disk healthy, then run again.";
    }
}
