using Npgsql;

namespace ViTDsl.Runtime.Store;

/// <summary>
/// A PostgreSQL store's address as a URL, the form every cluster's documentation gives:
/// <c>postgres://user:password@host:port/database?option=value</c> (the scheme <c>postgresql://</c> too). Options are
/// Npgsql connection-string keys with underscores for spaces, e.g. <c>?search_path=study1</c> to keep a study's tables
/// in their own schema. Without a password in the URL, Npgsql reads <c>PGPASSWORD</c> or <c>~/.pgpass</c>.
/// </summary>
internal static partial class PostgresUrl
{
    /// <summary>True when <paramref name="location"/> is a PostgreSQL URL rather than a file path.</summary>
    public static bool IsUrl(string location) =>
        location.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase) || location.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase);

    /// <summary>The URL as an Npgsql connection string.</summary>
    /// <exception cref="ArgumentException">It is not a well-formed PostgreSQL URL (the message says what is wrong).</exception>
    public static NpgsqlConnectionStringBuilder Parse(string url)
    {
        if (!IsUrl(url) || !Uri.TryCreate(url, UriKind.Absolute, out var uri) || string.IsNullOrEmpty(uri.Host))
            throw new ArgumentException($"'{Redact(url)}' is not a PostgreSQL URL: write postgres://user:password@host:port/database.");
        var database = Uri.UnescapeDataString(uri.AbsolutePath.TrimStart('/'));
        if (database.Length == 0)
            throw new ArgumentException($"The PostgreSQL URL '{Redact(url)}' names no database: add it after the host, e.g. postgres://user@{uri.Host}/vitdsl.");
        var builder = new NpgsqlConnectionStringBuilder
        {
            Host = uri.Host,
            Port = uri.IsDefaultPort || uri.Port < 0 ? 5432 : uri.Port,
            Database = database,
            KeepAlive = 30, // a sweep's connection idles between a trial's reports; keep firewalls from dropping it
        };
        var userInfo = uri.UserInfo.Split(':', 2);
        if (userInfo[0].Length > 0) builder.Username = Uri.UnescapeDataString(userInfo[0]);
        if (userInfo.Length == 2) builder.Password = Uri.UnescapeDataString(userInfo[1]);
        foreach (var pair in uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var (key, value) = pair.Split('=', 2) switch { [var k, var v] => (k, v), [var k] => (k, ""), _ => ("", "") };
            try { builder[Uri.UnescapeDataString(key).Replace('_', ' ')] = Uri.UnescapeDataString(value); }
            catch (ArgumentException e) { throw new ArgumentException($"The PostgreSQL URL '{Redact(url)}' has an option Npgsql does not know: {e.Message}", e); }
        }
        return builder;
    }

    /// <summary>
    /// The URL without its password, for messages and logs: the user information's password (up to the last '@', since
    /// a password written unescaped may itself hold '@', ':' or '/') and a <c>password=</c> option. When unsure it hides
    /// more, never less.
    /// </summary>
    public static string Redact(string url)
    {
        var scheme = url.IndexOf("://", StringComparison.Ordinal);
        if (scheme < 0) return url;
        url = PasswordOption().Replace(url, "${key}***"); // first: the option's value may hold an '@'
        var at = url.LastIndexOf('@');
        var colon = url.IndexOf(':', scheme + 3);
        return at > scheme && colon >= 0 && colon < at ? url[..(colon + 1)] + "***" + url[at..] : url;
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"(?<key>[?&]password=)[^&]*", System.Text.RegularExpressions.RegexOptions.IgnoreCase)]
    private static partial System.Text.RegularExpressions.Regex PasswordOption();
}
