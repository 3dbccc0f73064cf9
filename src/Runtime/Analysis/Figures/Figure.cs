using ScottPlot;

namespace ViTDsl.Runtime.Analysis;

/// <summary>A plot and the PNG file name it is saved under. The plot stays inspectable (its series) after saving.</summary>
internal sealed record Figure(string FileName, Plot Plot, int Width = 1000, int Height = 640)
{
    /// <summary>Writes the PNG into <paramref name="directory"/> and returns its path.</summary>
    public string Save(string directory)
    {
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, FileName);
        Plot.SavePng(path, Width, Height);
        return path;
    }

    /// <summary>Legend texts of the plotted series, in drawing order.</summary>
    public IReadOnlyList<string> SeriesLabels => Plot.GetPlottables().Select(p => p switch
    {
        ScottPlot.Plottables.Scatter s => s.LegendText,
        ScottPlot.Plottables.FillY f => f.LegendText,
        _ => "",
    }).ToList();
}
