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
}
