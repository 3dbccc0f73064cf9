using System.Globalization;

namespace ViTDsl.Runtime.Analysis;

/// <summary>The nested families of scaling laws fitted to error versus compute.</summary>
public enum LawForm
{
    /// <summary>E = a·C^−b: no floor, no low-compute shift (2 parameters).</summary>
    PowerLaw,
    /// <summary>E = a·C^−b + c: an irreducible error floor c (3 parameters).</summary>
    PowerLawWithFloor,
    /// <summary>E = a(C + d)^−b + c: the paper's saturating law; d shifts the curve at low compute (4 parameters).</summary>
    Saturating,
}

/// <summary>
/// A scaling law E(C) = a(C + d)^−b + c in the compute unit it was fitted in. The simpler forms have c = 0 and/or d = 0.
/// </summary>
public sealed record ScalingLaw(LawForm Form, double A, double B, double C, double D)
{
    /// <summary>Free parameters of <paramref name="form"/>.</summary>
    public static int ParameterCountOf(LawForm form) => form switch
    {
        LawForm.PowerLaw => 2,
        LawForm.PowerLawWithFloor => 3,
        LawForm.Saturating => 4,
        _ => throw new ArgumentOutOfRangeException(nameof(form), form, "unknown law form"),
    };

    /// <summary>Free parameters of this law.</summary>
    public int ParameterCount => ParameterCountOf(Form);

    /// <summary>The law's error at <paramref name="compute"/>.</summary>
    public double Predict(double compute) => A * Math.Pow(compute + D, -B) + C;

    /// <summary>The parameter values in the order a, b, c, d.</summary>
    public double[] Values => [A, B, C, D];

    /// <summary>Parameter names in the order of <see cref="Values"/>.</summary>
    public static readonly string[] Names = ["a", "b", "c", "d"];

    /// <summary>Whether <paramref name="index"/> (into <see cref="Values"/>) is a free parameter of this form.</summary>
    public bool IsFree(int index) => index switch
    {
        0 or 1 => true,
        2 => Form != LawForm.PowerLaw,
        3 => Form == LawForm.Saturating,
        _ => false,
    };

    /// <summary>The law written like the paper, e.g. "E = 0.09 + 0.26(C + 0.01)^−0.35".</summary>
    public override string ToString()
    {
        static string F(double v) => v.ToString("G4", CultureInfo.InvariantCulture);
        var power = Form == LawForm.Saturating ? $"{F(A)}(C + {F(D)})^-{F(B)}" : $"{F(A)}·C^-{F(B)}";
        return Form == LawForm.PowerLaw ? $"E = {power}" : $"E = {F(C)} + {power}";
    }
}
