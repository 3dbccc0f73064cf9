namespace ViTDsl.Experiments.Paper;

/// <summary>
/// Every model shape of the paper's Table 2 at 224 px with the MAP head, as the paper trains them. Their plans'
/// trunk parameters and GFLOPs reproduce the table (see `vitdsl plan`).
/// </summary>
[Experiments]
public static partial class Table2
{
    public static Experiment Vit_s28 => new(Vit.s(patch: 28));
    public static Experiment Vit_s16 => new(Vit.s(patch: 16));
    public static Experiment Vit_S32 => new(Vit.S(patch: 32));
    public static Experiment Vit_Ti16 => new(Vit.Ti(patch: 16));
    public static Experiment Vit_B32 => new(Vit.B(patch: 32));
    public static Experiment Vit_S16 => new(Vit.S(patch: 16));
    public static Experiment Vit_B28 => new(Vit.B(patch: 28));
    public static Experiment Vit_B16 => new(Vit.B(patch: 16));
    public static Experiment Vit_L16 => new(Vit.L(patch: 16));
    public static Experiment Vit_g14 => new(Vit.g(patch: 14));
    public static Experiment Vit_G14 => new(Vit.G(patch: 14));
}
