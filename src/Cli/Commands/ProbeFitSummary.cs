using System.Globalization;
using ViTDsl.Runtime.Probe;

namespace ViTDsl.Cli;

/// <summary>The deepest models of the thinnest widths that fit under each recipe, per width.</summary>
internal sealed record DeepestFit(int Width, IReadOnlyDictionary<string, int> DepthByRecipe);

/// <summary>
/// What <c>vitdsl probe</c> says about its fit grid (<see cref="FitStudy"/>): the device, execution and batch, the
/// deepest model of each of the three thinnest widths under each recipe (the paper: thin ViTs up to about 100 blocks
/// fit with all its changes), and the figure.
/// </summary>
/// <param name="DeepestKeepingActivations">The same under the device's execution without rematerialisation (when it has one).</param>
internal sealed record ProbeFitSummary(string Device, string Execution, int BatchPerDevice, int Patch, IReadOnlyList<DeepestFit> Deepest,
    IReadOnlyList<DeepestFit> DeepestKeepingActivations, string Figure)
{
    public static ProbeFitSummary Of(FitStudy study, string figure)
    {
        var keeping = study.KeepingActivations();
        return new(study.Device.Name, study.Device.Execution.Label, study.BatchPerDevice, study.Patch, DeepestOf(study),
            study.Device.Execution.Rematerialisation == Rematerialisation.None ? [] : DeepestOf(keeping), figure);
    }

    private static List<DeepestFit> DeepestOf(FitStudy study) => study.Widths.OrderBy(w => w).Take(3)
        .Select(w => new DeepestFit(w, MemoryRecipe.Paper.Zip(study.DeepestFitting(w)).ToDictionary(p => p.First.Name, p => p.Second))).ToList();

    public IEnumerable<string> Lines()
    {
        yield return $"Fit grid on a {Device} ({Execution}) at {BatchPerDevice} images, patch {Patch}: {Figure}" +
                     (DeepestKeepingActivations.Count > 0 ? $" (without rematerialisation: {FitGridFigure.KeepingActivationsFileName} beside it)" : "");
        foreach (var row in Deepest) yield return Line(row, "");
        foreach (var row in DeepestKeepingActivations) yield return Line(row, " without rematerialisation");
    }

    private static string Line(DeepestFit row, string how) =>
        $"  deepest model of width {row.Width.ToString(CultureInfo.InvariantCulture)} that fits{how}: " +
        string.Join("; ", row.DepthByRecipe.Select(r => $"{r.Key} {r.Value.ToString(CultureInfo.InvariantCulture)} blocks"));
}
