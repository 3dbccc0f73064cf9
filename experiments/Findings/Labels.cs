namespace ViTDsl.Experiments.Findings;

/// <summary>
/// The axis names and point labels of the findings studies: the studies declare their trials with them and the
/// analysis finds the trials by them, so the two cannot drift apart.
/// </summary>
public static class Labels
{
    public const string Model = "model";
    /// <summary>The seed axis: the name the analysis reads replicate seeds by (<c>fit --only seed=…</c>, <c>--mean-over seed</c>).</summary>
    public const string Seed = ViTDsl.Runtime.Analysis.RunFilter.SeedLabel;
    public const string Steps = "steps";
    public const string Variant = "variant";
    public const string Schedule = "schedule";

    /// <summary>The paper's recipe: MAP head, modified Adafactor, head/body weight decay 3.0/0.03.</summary>
    public const string Paper = "paper";
    /// <summary>The head decayed like the body (0.03/0.03): the control of the decoupled-decay claim.</summary>
    public const string UniformDecay = "head-decay-0.03";
    public const string TokenPool = "pool-token";
    public const string GapPool = "pool-gap";
    public const string Adam = "adam";
    public const string AdamBf16 = "adam-bf16-momentum";

    /// <summary>Cooldowns branched off one warmup → rsqrt run.</summary>
    public const string Branched = "rsqrt-cooldown";
    /// <summary>Separate runs with warmup → linear decay to 0.</summary>
    public const string Linear = "linear";
}
