using ViTDsl.Runtime.Compute;

namespace ViTDsl.Cli;

/// <summary>
/// The one line `train` and `sweep` print when a declaration asks for bf16 on a CPU that emulates it: the run still
/// trains correctly, only slower, and the line says how much slower it measured.
/// </summary>
internal static class PrecisionNotice
{
    /// <summary>
    /// Writes the notice to <paramref name="output"/> if any of <paramref name="declared"/> is bf16 on a CPU without
    /// bf16 instructions; measures the rates only then (about a second).
    /// </summary>
    public static void WriteIfEmulated(IEnumerable<Precision> declared, TextWriter output)
    {
        var precisions = declared.ToList();
        if (!precisions.Contains(Precision.Bf16) || CpuFeatures.OfThisMachine().HasNativeBf16) return;
        Write(PrecisionRates.Measure(), precisions, output);
    }

    /// <summary>Writes the notice from rates already measured (the sweep measures them for its estimate).</summary>
    public static void Write(PrecisionRates rates, IEnumerable<Precision> declared, TextWriter output)
    {
        if (rates.EmulationNotice(declared) is { } notice) output.WriteLine("note: " + notice);
    }
}
