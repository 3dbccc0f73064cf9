using ViTDsl.Runtime.Analysis;

namespace ViTDsl.Tests.Findings;

// The log axes' labelled ticks: readable values from the data's own range, never a lone "1".
public class LogAxesTests
{
    [Fact]
    public void An_error_axis_within_one_decade_gets_several_readable_labels()
    {
        var values = LogAxes.MajorValues(Math.Log10(0.14), Math.Log10(0.42));
        Assert.Equal([0.15, 0.2, 0.25, 0.3, 0.4], values);
        Assert.Equal(["0.15", "0.2", "0.25", "0.3", "0.4"], values.Select(LogAxes.Label));
    }

    [Fact]
    public void A_compute_axis_over_three_decades_of_flops_is_labelled_1_2_5_in_exponent_form()
    {
        var values = LogAxes.MajorValues(Math.Log10(8e11), Math.Log10(3e14));
        Assert.Equal([1e12, 2e12, 5e12, 1e13, 2e13, 5e13, 1e14, 2e14], values);
        Assert.Equal("2e13", LogAxes.Label(2e13));
    }

    [Fact]
    public void Many_decades_keep_every_nth_decade_so_labels_never_crowd()
    {
        var values = LogAxes.MajorValues(-12, 4);
        Assert.True(values.Count is >= 2 and <= LogAxes.MaxMajorTicks, string.Join(", ", values));
        Assert.All(values, v => Assert.Equal(Math.Round(Math.Log10(v)), Math.Log10(v), 9));
    }

    [Fact]
    public void Labels_never_crowd_the_top_of_a_sub_decade_axis()
    {
        // 300–1,300 steps: 300, 400, …, 900, 1000 would be 8 labels, but 900 and 1000 sit 4.6% of a decade apart.
        var values = LogAxes.MajorValues(Math.Log10(280), Math.Log10(1300));
        Assert.Equal([300, 400, 500, 700, 1000], values);
    }

    [Fact]
    public void An_axis_whose_data_sit_at_a_few_values_is_labelled_at_them()
    {
        var (lo, hi) = (Math.Log10(280), Math.Log10(1300));
        Assert.Equal([300, 600, 1200], LogAxes.MajorValues(lo, hi, [300, 600, 1200, 600]));
        Assert.Equal([300, 400, 500, 700, 1000], LogAxes.MajorValues(lo, hi, [300, 1000, 1050])); // 1000 and 1050 would overlap: the 1-2-5 labels instead
    }

    [Fact]
    public void A_range_narrower_than_the_1_2_5_steps_falls_back_to_round_linear_steps()
    {
        var values = LogAxes.MajorValues(Math.Log10(0.161), Math.Log10(0.179));
        Assert.True(values.Count >= 3, string.Join(", ", values));
        Assert.All(values, v => Assert.InRange(v, 0.161, 0.179));
    }
}
