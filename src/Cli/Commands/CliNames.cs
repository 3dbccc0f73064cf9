using ViTDsl.Runtime.Analysis;

namespace ViTDsl.Cli;

/// <summary>The command line's name tables shared by several commands, each concept's names defined once.</summary>
internal static class CliNames
{
    /// <summary>
    /// The number types a model runs in, by the Dsl's own labels (<see cref="Precisions.Label"/>): fp32, bf16 (not
    /// <see cref="Precision.Auto"/>, a choice made where a run trains; a command that offers it adds it to its own table).
    /// </summary>
    public static NameTable<Precision> Precisions { get; } =
        new("a precision", Enum.GetValues<Precision>().Where(p => p.IsResolved()).Select(p => (p.Label(), p)));

    /// <summary>The scaling-law forms to fit, one or all.</summary>
    public static NameTable<IReadOnlyList<LawForm>> LawForms { get; } = new("a law form",
    [
        ("power", [LawForm.PowerLaw]),
        ("floor", [LawForm.PowerLawWithFloor]),
        ("saturating", [LawForm.Saturating]),
        ("m4", [LawForm.M4]),
        ("all", [LawForm.PowerLaw, LawForm.PowerLawWithFloor, LawForm.Saturating, LawForm.M4]),
    ]);

    /// <summary>The x axis of a learning curve.</summary>
    public static NameTable<CurveAxis> CurveAxes { get; } = new("a curve axis",
        [("images", CurveAxis.Images), ("steps", CurveAxis.Steps), ("compute", CurveAxis.Compute)]);
}
