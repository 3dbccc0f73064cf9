using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using ViTDsl.Runtime.Store;

namespace ViTDsl.Tests.Store;

public sealed class PostgresUrlTests
{
    [Fact]
    public void A_url_becomes_the_connection_settings_it_spells()
    {
        var settings = PostgresUrl.Parse("postgresql://ana%40lab:p%3Ass@db.cluster:6543/studies?search_path=fashion&sslmode=Require");
        Assert.Equal(("db.cluster", 6543, "studies", "ana@lab", "p:ss"), (settings.Host, settings.Port, settings.Database, settings.Username, settings.Password));
        Assert.Equal("fashion", settings.SearchPath);
        Assert.Equal(Npgsql.SslMode.Require, settings.SslMode);
        Assert.Equal(5432, PostgresUrl.Parse("postgres://u@h/d").Port); // PostgreSQL's own port when none is given
    }

    [Theory]
    [InlineData("postgres://u:secret@h:1/d", "postgres://u:***@h:1/d")]
    [InlineData("postgres://u@h/d", "postgres://u@h/d")]
    [InlineData("runs/results.db", "runs/results.db")]
    [InlineData("postgres://vitdsl:p@ss@db:5432/d", "postgres://vitdsl:***@db:5432/d")]
    [InlineData("postgres://u@127.0.0.1:1/d?password=hunter2", "postgres://u@127.0.0.1:1/d?password=***")]
    [InlineData("postgres://u@h/d?sslmode=Require&Password=hunter2&search_path=s", "postgres://u@h/d?sslmode=Require&Password=***&search_path=s")]
    public void Messages_show_a_url_without_its_password(string url, string shown) => Assert.Equal(shown, PostgresUrl.Redact(url));

    [Theory]
    [InlineData("postgres://u:secret@h:5432/", "names no database")]
    [InlineData("postgres://u:secret@h/d?colour=blue", "option Npgsql does not know")]
    public void A_url_that_cannot_work_is_refused_naming_what_is_missing(string url, string problem)
    {
        var e = Assert.Throws<ArgumentException>(() => PostgresUrl.Parse(url));
        Assert.Contains(problem, e.Message);
        Assert.DoesNotContain("secret", e.Message);
    }

    [Fact]
    public void Only_postgres_schemes_are_urls_everything_else_is_an_sqlite_path()
    {
        Assert.True(PostgresUrl.IsUrl("postgres://h/d"));
        Assert.True(PostgresUrl.IsUrl("PostgreSQL://h/d"));
        Assert.False(PostgresUrl.IsUrl("runs/results.db"));
        Assert.False(PostgresUrl.IsUrl("/data/postgres/results.db"));
    }

    // Passwords as people write them, unescaped: letters, digits and the URL's own delimiters.
    private static readonly Gen<string> Passwords = Gen.Elements("abcXYZ019@:/?#%+=!$ ".ToCharArray()).ArrayOf().Select(c => new string(c))
        .Where(p => p.Length >= 4);

    [Property(MaxTest = 300)]
    public Property Redact_never_shows_a_password_written_in_the_user_information() => Prop.ForAll(Passwords.ToArbitrary(), password =>
    {
        const string Around = "postgres://vitdsl:@127.0.0.1:1/vitdsl?search_path=s";
        if (Around.Contains(password, StringComparison.Ordinal)) return true; // shown anyway, as part of the rest
        var url = Around.Insert(Around.IndexOf('@'), password);
        return !PostgresUrl.Redact(url).Contains(password, StringComparison.Ordinal);
    });

    [Property(MaxTest = 300)]
    public Property Redact_never_shows_a_password_option() => Prop.ForAll(Passwords.Where(p => !p.Contains('&')).ToArbitrary(), password =>
    {
        var url = $"postgres://vitdsl@127.0.0.1:1/vitdsl?sslmode=Disable&password={password}";
        return !PostgresUrl.Redact(url).Contains(password, StringComparison.Ordinal);
    });

    // Found by the property below (FsCheck, 2026-12-05): the password's '@0/' made "0" the URL's host, and Npgsql refused
    // 0.0.0.0 with an ArgumentException before any socket opened, which escaped as no store error.
    [Fact]
    public void A_password_that_makes_the_host_unusable_is_a_store_error_that_says_to_encode_it()
    {
        const string Password = "Zabc%+Y%@0/!=1";
        var e = Assert.Throws<StoreException>(() => ResultsStore.Open($"postgres://vitdsl:{Password}@127.0.0.1:1/vitdsl",
            new StoreOptions { BusyTimeout = TimeSpan.FromSeconds(1) }));
        Assert.Contains("Cannot reach the PostgreSQL server", e.Message);
        Assert.Contains("percent-encoded", e.Message);
        Assert.DoesNotContain(Password, e.Message);
        Assert.DoesNotContain(Password, e.StorePath);
    }

    // The messages of a store that cannot be opened (the URL unreadable, the server unreachable) show no password either.
    [Property(MaxTest = 40)]
    public Property The_unreachable_server_message_never_shows_the_password() => Prop.ForAll(Passwords.Where(p => !p.Contains('&')).ToArbitrary(), password =>
    {
        if ("postgres://vitdsl:@127.0.0.1:1/vitdsl?password=".Contains(password, StringComparison.Ordinal)) return true;
        foreach (var url in new[] { $"postgres://vitdsl:{password}@127.0.0.1:1/vitdsl", $"postgres://vitdsl@127.0.0.1:1/vitdsl?password={password}" })
        {
            var e = Assert.ThrowsAny<StoreException>(() => ResultsStore.Open(url, new StoreOptions { BusyTimeout = TimeSpan.FromSeconds(1) }));
            if (e.Message.Contains(password, StringComparison.Ordinal) || e.StorePath.Contains(password, StringComparison.Ordinal)) return false;
        }
        return true;
    });
}
