using ViTDsl.Cli;
using ViTDsl.Runtime.Models;

namespace ViTDsl.Tests.Cli;

// Catalog keys: 'Class.Name' always, the short name when one class declares it, and a clear error when two do.
public class CatalogLookupTests
{
    private static GeneratedExperiment Entry(string name, string declaredIn) =>
        new(name, declaredIn, new Experiment(Vit.Ti(16)), PlanFacts.Of(new Experiment(Vit.Ti(16))), (_, _) => throw new NotSupportedException());

    private static readonly GeneratedExperiment[] Catalog =
        [Entry("Same", "First"), Entry("Same", "Second"), Entry("Unique", "First")];

    [Theory]
    [InlineData("First.Same", "First")]
    [InlineData("Second.Same", "Second")]
    [InlineData("second.same", "Second")]
    [InlineData("Unique", "First")]
    [InlineData("First.Unique", "First")]
    public void A_qualified_key_or_a_unique_short_name_finds_the_experiment(string name, string declaredIn)
    {
        var found = CatalogLookup.Experiment(name, Catalog, []);
        Assert.Equal(declaredIn, found.DeclaredIn);
        Assert.EndsWith(found.Name, name, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void A_short_name_two_classes_declare_is_a_usage_error_listing_both_keys()
    {
        var error = Assert.Throws<UsageException>(() => CatalogLookup.Experiment("Same", Catalog, []));
        Assert.Contains("First.Same, Second.Same", error.Message);
        Assert.Contains("in full", error.Message);
    }

    [Fact]
    public void An_unknown_name_suggests_qualified_keys()
    {
        var error = Assert.Throws<UsageException>(() => CatalogLookup.Experiment("Uniq", Catalog, []));
        Assert.Contains("First.Unique", error.Message);
    }
}
