using ViTDsl.Experiments.Paper;
using ViTDsl.Runtime.Models;

namespace ViTDsl.Tests.Facts;

// Oracle: the paper's Table 2 (docs/reference.md §1), typed in from the paper, and timm's published totals.
public class Table2Tests
{
    // name, Mio. params (trunk), GFLOPs at 224 px, as printed in the paper.
    public static TheoryData<string, double, double> PaperRows => new()
    {
        { "Vit_s28", 5.4, 0.7 }, { "Vit_s16", 5.0, 2.2 }, { "Vit_S32", 22, 2.3 }, { "Vit_Ti16", 5.5, 2.5 },
        { "Vit_B32", 87, 8.7 }, { "Vit_S16", 22, 9.2 }, { "Vit_B28", 87, 11.3 }, { "Vit_B16", 86, 35.1 },
        { "Vit_L16", 303, 122.9 }, { "Vit_g14", 1011, 533.1 }, { "Vit_G14", 1843, 965.3 },
    };

    [Theory, MemberData(nameof(PaperRows))]
    public void Trunk_parameters_equal_the_paper_at_its_rounding(string name, double paperMillions, double _)
    {
        var plan = Plan(name);
        // The paper prints 2–4 significant digits: one decimal below 10M, whole millions above.
        var digits = paperMillions < 10 ? 1 : 0;
        Assert.Equal(paperMillions, Math.Round(plan.Facts.TrunkParameters / 1e6, digits));
    }

    [Theory, MemberData(nameof(PaperRows))]
    public void Forward_gflops_match_the_paper(string name, double _, double paperGflops)
    {
        var gflops = Plan(name).Facts.ForwardGflops;
        // Our count is of the declared MAP model (N tokens plus the MAP head), the paper's assumes N+1 tokens; and
        // the table itself strays up to 1.4% from its own formula (Ti/16 at 384 px). So: within 1.5%, or equal at
        // the table's printed precision (0.72 → "0.7").
        bool equalAtPrintedPrecision = Math.Round(gflops, 1) == paperGflops;
        Assert.True(equalAtPrintedPrecision || Math.Abs(gflops / paperGflops - 1) < 0.015,
            $"{name}: {gflops:F3} GFLOPs vs paper {paperGflops}");
    }

    [Theory]
    [InlineData("Ti/16", 5.72), InlineData("S/16", 22.05), InlineData("B/16", 86.57)]
    [InlineData("L/16", 304.33), InlineData("g/14", 1012.61), InlineData("G/14", 1844.44)]
    public void Class_token_totals_with_1000_classes_equal_timm(string preset, double timmMillions)
    {
        var model = Vit.Named(preset) with { Pool = new Pool.Token(), Classifier = new Classifier(1000) };
        Assert.Equal(timmMillions, Math.Round(ParameterCount.Total(model) / 1e6, 2));
    }

    [Fact]
    public void Every_table_row_is_declared()
    {
        var declared = ExperimentCatalogAccess.All.Where(e => e.DeclaredIn == nameof(Table2)).Select(e => e.Name);
        Assert.Equal(PaperRows.Select(row => (string)row[0]).Order(), declared.Order());
    }

    private static GeneratedExperiment Plan(string name) => ExperimentCatalogAccess.All.Single(e => e.Name == name);
}
