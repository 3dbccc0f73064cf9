using ScottPlot;
using ViTDsl.Runtime.Analysis;

namespace ViTDsl.Runtime.Probe;

/// <summary>
/// The shape study on one page: each shape's cost per image (x) against the memory one device needs to train it at
/// the studied batch (y), both log scale, with each device's capacity as a horizontal line — a shape fits a device
/// when its point lies below that device's line.
/// </summary>
internal static class ShapeStudyFigure
{
    public const string FileName = "probe_shapes.png";

    public static Figure Create(IReadOnlyList<ShapeFacts> shapes, IReadOnlyList<Accelerator> devices)
    {
        var plot = new Plot();
        var x = LogAxes.ToLog(shapes.Select(s => s.ForwardGflopsPerImage));
        var y = LogAxes.ToLog(shapes.Select(s => s.Memory.PeakBytes / TrainingMemory.BytesPerGiB));
        var points = plot.Add.Scatter(x, y);
        points.LineWidth = 0;
        points.MarkerSize = 8;
        points.LegendText = $"training memory at {shapes.FirstOrDefault()?.Memory.BatchPerDevice} images per device";
        for (var i = 0; i < shapes.Count; i++)
        {
            var label = plot.Add.Text(shapes[i].Name, x[i], y[i]);
            label.LabelFontSize = 11;
            // Neighbouring shapes (the g/14 variations) alternate above and below their point so labels overlap less.
            label.LabelOffsetX = 6;
            label.LabelOffsetY = i % 2 == 0 ? -14 : 4;
        }
        var palette = new ScottPlot.Palettes.Category10();
        // Devices of the same capacity (A100 80 GB and H100 80 GB) share one line.
        var capacities = devices.Where(d => d.IsMemoryChecked).GroupBy(d => d.MemoryGiB).OrderBy(g => g.Key).ToList();
        for (var i = 0; i < capacities.Count; i++)
        {
            var line = plot.Add.HorizontalLine(Math.Log10(capacities[i].Key));
            line.Color = palette.GetColor(i + 1);
            line.LinePattern = LinePattern.Dashed;
            line.LegendText = $"{string.Join(", ", capacities[i].Select(d => d.Name))}: {capacities[i].Key:0.##} GiB";
        }
        LogAxes.Apply(plot, logX: true, logY: true);
        plot.Title("Shape study: cost per image vs training memory per device");
        plot.XLabel("Forward GFLOPs per image");
        plot.YLabel("Training memory per device (GiB)");
        plot.ShowLegend(Alignment.LowerRight);
        return new Figure(FileName, plot, 1000, 700);
    }
}
