namespace ViTDsl.Runtime.Compute;

/// <summary>What <see cref="Precision.Auto"/> resolved to for one model shape, and the measurements it decided on.</summary>
/// <param name="Chosen">Fp32 or Bf16.</param>
/// <param name="Fp32">The shape's measured fp32 step.</param>
/// <param name="Bf16">Its measured bf16 step; null where bf16 is emulated (not measured: it is never chosen there).</param>
/// <param name="Reason">Why, in words, with the measured speed-up.</param>
internal sealed record PrecisionDecision(Precision Chosen, StepRate Fp32, StepRate? Bf16, string Reason)
{
    /// <summary>The measured step of the chosen precision.</summary>
    public StepRate Rate => Chosen == Precision.Bf16 && Bf16 is not null ? Bf16 : Fp32;
}

/// <summary>
/// Resolves <see cref="Precision.Auto"/> for one model shape: bf16 where the processor multiplies bf16 natively and
/// the shape's measured training step is faster in bf16 (by at least <see cref="RequiredSpeedup"/>), else fp32.
/// Native instructions alone do not decide it: for small models the per-product casts of the float32 master weights
/// can cost more than the faster products save.
/// </summary>
internal static class PrecisionChoice
{
    /// <summary>
    /// bf16 is chosen only when its step is at least this much faster. A smaller gain is within the noise of the short
    /// measurement, and the choice changes results, so a decision near 1× would change them from run to run: on the
    /// 2-core AMD EPYC (avx512_bf16) three fresh runs of the main study measured the same shapes at 0.97–1.10×
    /// (fashion7-w40d2), 1.03–1.06× (w32d2) and 1.07–1.12× (w48d2), against 1.29–1.55× for width 64; at 1.05 the
    /// width-32 and width-40 models trained in bf16 in one run and fp32 in the next, and their 5,000-step test errors
    /// moved by 0.4–0.6 points (w40d2 12.29% and 11.90%).
    /// </summary>
    public const double RequiredSpeedup = 1.2;

    /// <summary>
    /// Decides with the capability and the step measurement given (injected in tests; <see cref="CpuFeatures"/> and
    /// <see cref="StepRate.Measure"/> in a run). Where bf16 is emulated only fp32 is measured.
    /// </summary>
    public static PrecisionDecision Decide(bool nativeBf16, Func<Precision, StepRate> measure)
    {
        var fp32 = measure(Precision.Fp32);
        if (!nativeBf16)
            return new(Precision.Fp32, fp32, null, $"fp32: bf16 is emulated on this processor (no {string.Join(", ", CpuFeatures.Bf16Flags)})");
        var bf16 = measure(Precision.Bf16);
        var speedup = fp32.SecondsPerStep / bf16.SecondsPerStep;
        var measured = $"a training step measured {fp32.SecondsPerStep * 1e3:F0} ms in fp32, {bf16.SecondsPerStep * 1e3:F0} ms in bf16 ({speedup:F2}×)";
        return speedup >= RequiredSpeedup
            ? new(Precision.Bf16, fp32, bf16, $"bf16: {measured}")
            : new(Precision.Fp32, fp32, bf16, $"fp32: bf16 is native but not {RequiredSpeedup:0.0#}× as fast for this shape; {measured}");
    }
}
