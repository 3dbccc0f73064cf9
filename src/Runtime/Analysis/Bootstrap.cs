namespace ViTDsl.Runtime.Analysis;

/// <summary>
/// Residual bootstrap in log space: keep each point's compute, replace its log error by the fitted value plus a
/// residual drawn with replacement, and refit. Resampling residuals rather than points suits a frontier of a dozen
/// runs, where dropping the few high-compute points would make many resamples unidentifiable.
/// </summary>
/// <remarks>
/// Residuals are centred and inflated by √(n/(n−k)) (k fitted constants): fitted residuals are smaller than the
/// noise because the fit absorbs k degrees of freedom, and without the correction the intervals undercover.
/// Each refit starts from the original optimum, whose basin the resampled data rarely leave; the full grid of
/// starts would cost ~50× more for little gain.
/// </remarks>
internal static class Bootstrap
{
    public static BootstrapResult Run(IReadOnlyList<ScalingPoint> points, LawFit fit, BootstrapOptions? options = null, FitOptions? fitOptions = null)
    {
        options ??= BootstrapOptions.Default;
        // Refits use the threshold the fit settled on, so every resample is fitted by the same estimator.
        fitOptions = (fitOptions ?? FitOptions.Default) with { HuberDelta = fit.HuberDelta > 0 ? fit.HuberDelta : (fitOptions ?? FitOptions.Default).HuberDelta };
        if (options.Resamples < 2)
            throw new ArgumentException($"Bootstrap needs at least 2 resamples (got {options.Resamples}); use ~1000 for stable intervals.", nameof(options));
        if (!(options.Level > 0 && options.Level < 1))
            throw new ArgumentException($"Interval level {options.Level} must lie strictly between 0 and 1, e.g. 0.95.", nameof(options));
        ScalingLawFitter.Validate(points, fit.Law.Form);

        int n = points.Count, k = fit.Law.ParameterCount;
        var logFitted = points.Select(p => Math.Log(fit.Law.Predict(p.Compute))).ToArray();
        double mean = fit.LogResiduals.Average();
        double inflate = n > k ? Math.Sqrt((double)n / (n - k)) : 1;
        // Residuals are pred − obs, so observed = fitted − residual.
        var pool = fit.LogResiduals.Select(r => (r - mean) * inflate).ToArray();

        var samples = new ScalingLaw[options.Resamples];
        Parallel.For(0, options.Resamples, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, i =>
        {
            var rng = new Random(HashCode.Combine(options.Seed, i));
            var resampled = new ScalingPoint[n];
            for (int j = 0; j < n; j++)
                resampled[j] = new ScalingPoint(points[j].Compute, Math.Exp(logFitted[j] - pool[rng.Next(n)]));
            samples[i] = ScalingLawFitter.FitFrom(resampled, fit.Law.Form, fitOptions, [fit.Law]).Law;
        });
        return new BootstrapResult(fit, samples.Where(s => s.Values.All(double.IsFinite)).ToList(), options.Level);
    }
}
