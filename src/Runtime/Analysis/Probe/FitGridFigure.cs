using ScottPlot;
using ViTDsl.Runtime.Analysis;

namespace ViTDsl.Runtime.Probe;

/// <summary>
/// The paper's shape-study figure: one cell per depth × width, coloured by the first recipe under which the shape
/// trains on the device (grey: none), darker where training is faster (estimated images/s, log scale), with the
/// images/s written in the cell.
/// </summary>
internal static class FitGridFigure
{
    public const string FileName = "probe_fit_grid.png";

    /// <summary>The same grid when the device keeps every activation (its execution without rematerialisation).</summary>
    public const string KeepingActivationsFileName = "probe_fit_grid_no_remat.png";

    private static readonly Color[] RecipeColors = [new(0x2c, 0xa0, 0x2c), new(0x1f, 0x77, 0xb4), new(0xff, 0x7f, 0x0e)];
    private static readonly Color NoFit = new(0xbb, 0xbb, 0xbb);

    public static Figure Create(FitStudy study, string fileName = FileName)
    {
        var plot = new Plot();
        var speeds = study.Cells.Select(c => Math.Log10(c.ImagesPerSecond)).ToList();
        double slowest = speeds.Min(), fastest = speeds.Max();
        foreach (var cell in study.Cells)
        {
            double x = IndexOf(study.Widths, cell.Width), y = IndexOf(study.Depths, cell.Depth);
            var shade = fastest > slowest ? (Math.Log10(cell.ImagesPerSecond) - slowest) / (fastest - slowest) : 1;
            var color = cell.FirstFittingRecipe < 0 ? NoFit : RecipeColors[cell.FirstFittingRecipe];
            var box = plot.Add.Rectangle(x - 0.48, x + 0.48, y - 0.48, y + 0.48);
            box.FillStyle.Color = color.WithAlpha(0.25 + 0.75 * shade);
            box.LineStyle.Width = 0;
            var label = plot.Add.Text(cell.ImagesPerSecond.ToString("0", System.Globalization.CultureInfo.InvariantCulture), x, y);
            label.LabelFontSize = 11;
            label.LabelAlignment = Alignment.MiddleCenter;
        }
        plot.Axes.Bottom.TickGenerator = Ticks(study.Widths);
        plot.Axes.Left.TickGenerator = Ticks(study.Depths);
        plot.Axes.SetLimits(-0.6, study.Widths.Count - 0.4, -0.6, study.Depths.Count - 0.4);
        for (var i = 0; i < MemoryRecipe.Paper.Count; i++)
            plot.Legend.ManualItems.Add(new LegendItem { LabelText = MemoryRecipe.Paper[i].Name, FillColor = RecipeColors[i] });
        plot.Legend.ManualItems.Add(new LegendItem { LabelText = "fits under none", FillColor = NoFit });
        plot.Title($"Shapes that train on a {study.Device.Name} ({study.Device.MemoryGiB:0} GiB, {study.Device.Execution.Label}), {study.BatchPerDevice} img, /{study.Patch}");
        plot.XLabel("width (MLP 4×, head width 64); cell: estimated training images/s, darker = faster");
        plot.YLabel("depth (encoder blocks)");
        FigureStyle.Apply(plot, legendEdge: Edge.Bottom);
        return new Figure(fileName, plot, 1100, 900);
    }

    private static double IndexOf(IReadOnlyList<int> values, int value) => values.ToList().IndexOf(value);

    private static ScottPlot.TickGenerators.NumericManual Ticks(IReadOnlyList<int> values)
    {
        var ticks = new ScottPlot.TickGenerators.NumericManual();
        for (var i = 0; i < values.Count; i++) ticks.AddMajor(i, values[i].ToString(System.Globalization.CultureInfo.InvariantCulture));
        return ticks;
    }
}
