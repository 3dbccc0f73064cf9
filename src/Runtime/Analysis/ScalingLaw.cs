using System.Globalization;

namespace ViTDsl.Runtime.Analysis;

/// <summary>The families of scaling laws fitted to error versus compute (or data, or images seen).</summary>
internal enum LawForm
{
    /// <summary>E = a·C^−b: no floor, no low-compute shift (2 parameters).</summary>
    PowerLaw,
    /// <summary>E = a·C^−b + c: an irreducible error floor c (3 parameters).</summary>
    PowerLawWithFloor,
    /// <summary>E = a(C + d)^−b + c: the paper's saturating law; d shifts the curve at low compute (4 parameters).</summary>
    Saturating,
    /// <summary>
    /// M4 of Alabdulmohsin, Neyshabur and Zhai (NeurIPS 2022): (E − c)/(e0 − E)^α = a·C^−b, a sigmoid in log C between the
    /// random-guess error e0 and the floor c (5 parameters). α = 0 gives back the power law with floor.
    /// </summary>
    M4,
}

/// <summary>
/// A scaling law in the compute unit it was fitted in: E(C) = a(C + d)^−b + c for the first three forms (the simpler
/// ones have c = 0 and/or d = 0), and for M4 the E solving (E − c)/(e0 − E)^α = a·C^−b (d unused).
/// </summary>
internal sealed record ScalingLaw(LawForm Form, double A, double B, double C, double D, double Alpha = 0, double E0 = 0)
{
    /// <summary>Free parameters of <paramref name="form"/>.</summary>
    public static int ParameterCountOf(LawForm form) => form switch
    {
        LawForm.PowerLaw => 2,
        LawForm.PowerLawWithFloor => 3,
        LawForm.Saturating => 4,
        LawForm.M4 => 5,
        _ => throw new ArgumentOutOfRangeException(nameof(form), form, "unknown law form"),
    };

    /// <summary>Free parameters of this law.</summary>
    public int ParameterCount => ParameterCountOf(Form);

    /// <summary>The law's error at <paramref name="compute"/>.</summary>
    public double Predict(double compute) =>
        Form == LawForm.M4 ? M4Law.Solve(A * Math.Pow(compute, -B), C, E0, Alpha) : A * Math.Pow(compute + D, -B) + C;

    /// <summary>The parameter values in the order of <see cref="Names"/>.</summary>
    public double[] Values => [A, B, C, D, Alpha, E0];

    /// <summary>
    /// Parameter names in the order of <see cref="Values"/>. In M4, a and b are the paper's β and −c, c its E∞ and e0
    /// its E0, so a, b and c mean the same (scale, exponent, floor) in every form.
    /// </summary>
    public static readonly string[] Names = ["a", "b", "c", "d", "alpha", "e0"];

    /// <summary>Whether <paramref name="index"/> (into <see cref="Values"/>) is a free parameter of this form.</summary>
    public bool IsFree(int index) => index switch
    {
        0 or 1 => true,
        2 => Form != LawForm.PowerLaw,
        3 => Form == LawForm.Saturating,
        4 or 5 => Form == LawForm.M4,
        _ => false,
    };

    /// <summary>Indices of the free parameters, in the order of <see cref="Values"/>.</summary>
    public IReadOnlyList<int> FreeIndices => Enumerable.Range(0, Names.Length).Where(IsFree).ToList();

    /// <summary>The law written like the paper, e.g. "E = 0.09 + 0.26(C + 0.01)^−0.35".</summary>
    public override string ToString()
    {
        static string F(double v) => v.ToString("G4", CultureInfo.InvariantCulture);
        if (Form == LawForm.M4) return $"(E - {F(C)})/({F(E0)} - E)^{F(Alpha)} = {F(A)}·C^-{F(B)}";
        var power = Form == LawForm.Saturating ? $"{F(A)}(C + {F(D)})^-{F(B)}" : $"{F(A)}·C^-{F(B)}";
        return Form == LawForm.PowerLaw ? $"E = {power}" : $"E = {F(C)} + {power}";
    }
}
