using ViTDsl.Runtime.Compute;

namespace ViTDsl.Experiments.Cli;

/// <summary>
/// The one line `train` and `sweep` print when a declaration asks for bf16 on a CPU that emulates it: the run still
/// trains correctly, only slower, and the line says how much slower it measured.
/// </summary>
public static class PrecisionNotice
{
    /// <summary>
    /// Writes the notice to <paramref name="output"/> if any of <paramref name="declared"/> is bf16 on a CPU without
    /// bf16 instructions; measures the rates only then (about a second).
    /// </summary>
    public static void WriteIfEmulated(IEnumerable<Precision> declared, TextWriter output)
    {
        var precisions = declared.ToList();
        if (!precisions.Contains(Precision.Bf16) || CpuFeatures.OfThisMachine().HasNativeBf16) return;
        if (PrecisionRates.Measure().EmulationNotice(precisions) is { } notice) output.WriteLine("note: " + notice);
    }
}
