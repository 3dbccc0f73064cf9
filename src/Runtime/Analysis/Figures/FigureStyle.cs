using ScottPlot;

namespace ViTDsl.Runtime.Analysis;

/// <summary>
/// One look for every figure: fonts large enough to read when a report shows the 800×600 PNG at half size, and the
/// legend in a panel beside the data (or below it, for long entries such as a fitted law) so it never hides a point.
/// </summary>
internal static class FigureStyle
{
    public const float TitleSize = 22, LabelSize = 20, TickSize = 17, LegendSize = 16;

    public static void Apply(Plot plot, bool legend = true, Edge legendEdge = Edge.Right)
    {
        plot.Axes.Title.Label.FontSize = TitleSize;
        foreach (var axis in new IAxis[] { plot.Axes.Bottom, plot.Axes.Left })
        {
            axis.Label.FontSize = LabelSize;
            axis.TickLabelStyle.FontSize = TickSize;
        }
        if (legend)
        {
            plot.Legend.FontSize = LegendSize;
            plot.ShowLegend(legendEdge);
        }
    }
}
