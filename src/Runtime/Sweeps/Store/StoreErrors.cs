using Microsoft.Data.Sqlite;

namespace ViTDsl.Runtime.Store;

/// <summary>A results store cannot be used; the message names the store (file or URL) and what to do.</summary>
internal class StoreException(string message, Exception? inner = null) : Exception(message, inner)
{
    /// <summary>The database file, or the PostgreSQL URL without its password.</summary>
    public required string StorePath { get; init; }
}

/// <summary>The file is not an SQLite database, or SQLite reports it malformed.</summary>
internal sealed class StoreCorruptException(string message, Exception? inner = null) : StoreException(message, inner);

/// <summary>Another connection held the write lock for longer than <see cref="StoreOptions.BusyTimeout"/>.</summary>
internal sealed class StoreLockedException(string message, Exception? inner = null) : StoreException(message, inner);

/// <summary>The file was written by a newer ViTDsl, or is an SQLite database of something else.</summary>
internal sealed class StoreSchemaException(string message, Exception? inner = null) : StoreException(message, inner);

internal static class StoreErrors
{
    // SQLite primary result codes (https://sqlite.org/rescode.html).
    private const int Error = 1, Busy = 5, Locked = 6, ReadOnly = 8, IoError = 10, Corrupt = 11, Full = 13, CantOpen = 14, NotADatabase = 26;

    private static readonly string[] DamageSigns = ["unsupported file format", "no such table", "no such column", "has no column named", "malformed"];

    public static StoreCorruptException NotSqlite(string path) => new(
        $"The results store '{path}' is not an SQLite database (its first bytes are not the SQLite header). " +
        "Move it aside or delete it to start over, or pass another store path.")
    { StorePath = path };

    public static StoreCorruptException Unreadable(string path, Exception e) => new(
        $"The results store '{path}' is damaged (it holds a value this ViTDsl cannot read: {e.Message.TrimEnd('.')}). " +
        "Move it aside or delete it to start over (its sweeps' trials will run again), or pass another store path.", e)
    { StorePath = path };

    public static StoreException Translate(SqliteException e, string path, StoreOptions options) =>
        (e.SqliteErrorCode & 0xFF) switch
        {
            // SQLite reports a damaged header field or schema text as a plain error; this code's own queries never
            // name a table or column that a ViTDsl store of this version lacks.
            Corrupt or NotADatabase or Error when (e.SqliteErrorCode & 0xFF) != Error || DamageSigns.Any(e.Message.Contains) => new StoreCorruptException(
                $"The results store '{path}' is damaged ({e.Message.TrimEnd('.')}). " +
                "Move it aside or delete it to start over (its sweeps' trials will run again), or pass another store path.", e)
            { StorePath = path },
            Busy or Locked => new StoreLockedException(
                $"The results store '{path}' stayed locked by another connection for {options.BusyTimeout.TotalSeconds:0.###} s. " +
                "Another sweep or script is writing to it: wait for it to finish or stop it, or raise the busy timeout.", e)
            { StorePath = path },
            ReadOnly => new StoreException(
                $"The results store '{path}' cannot be written ({e.Message.TrimEnd('.')}). Check that the file and its folder are " +
                "writable; if they are, its header is damaged or a newer SQLite wrote it: move it aside or delete it to start over.", e)
            { StorePath = path },
            IoError => new StoreException(
                $"The results store '{path}' cannot be read or written ({e.Message.TrimEnd('.')}): the disk failed or the file is " +
                "truncated. Check the disk; if the file is damaged, move it aside or delete it to start over.", e)
            { StorePath = path },
            Full => new StoreException(
                $"The results store '{path}' cannot grow: the disk is full ({e.Message.TrimEnd('.')}). Free some space and run the " +
                "same command again (nothing recorded so far is lost), or move it aside and pass a store path on a larger disk.", e)
            { StorePath = path },
            CantOpen => new StoreException(
                $"The results store '{path}' cannot be opened ({e.Message.TrimEnd('.')}). " +
                "Check that its folder exists and is writable, or pass another store path.", e)
            { StorePath = path },
            // Anything else from SQLite on a store this code wrote (a damaged schema can make any query fail).
            _ => new StoreException(
                $"The results store '{path}' cannot be used ({e.Message.TrimEnd('.')}). If no other program changed it, it is damaged: " +
                "move it aside or delete it to start over (its sweeps' trials will run again), or pass another store path.", e)
            { StorePath = path },
        };
}
