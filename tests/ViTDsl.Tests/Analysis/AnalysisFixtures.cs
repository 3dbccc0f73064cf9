using ViTDsl.Runtime.Analysis;

namespace ViTDsl.Tests.Analysis;

/// <summary>Synthetic recorded runs: four model sizes at four training lengths, errors from a known law.</summary>
internal static class AnalysisFixtures
{
    public static readonly ScalingLaw Truth = new(LawForm.Saturating, 0.26, 0.35, 0.09, 0.01);

    /// <summary>
    /// Each model's error follows the law at its compute, times a penalty for being far from the compute its size
    /// suits (so only some runs lie on the frontier), with a small deterministic jitter.
    /// </summary>
    public static IReadOnlyList<RunRecord> Runs()
    {
        var rng = new Random(3);
        var runs = new List<RunRecord>();
        var models = new[] { Vit.Ti(16), Vit.S(16), Vit.B(16), Vit.L(16) };
        for (int m = 0; m < models.Length; m++)
            foreach (var images in new long[] { 30_000_000, 300_000_000, 3_000_000_000, 30_000_000_000 })
            {
                var name = $"{models[m].Variant}-{images}";
                var run = RunRecord.Of(name, models[m], images, 1);
                double days = run.Compute.TpuV3CoreDays;
                double sweetSpot = Math.Pow(10, -2 + 1.5 * m);
                double penalty = 1 + 0.08 * Math.Pow(Math.Log10(days / sweetSpot), 2);
                double test = Truth.Predict(days) * penalty * Math.Exp(0.01 * (rng.NextDouble() - 0.5));
                runs.Add(run with
                {
                    TestError = test,
                    UpstreamDataSet = "fashion_mnist",
                    FewShotError = new Dictionary<FewShotErrorName, double>
                    {
                        [new("fashion_mnist", 1)] = Math.Min(0.99, 1.6 * test), [new("fashion_mnist", 10)] = Math.Min(0.99, 1.2 * test),
                        [new("mnist_digits", 10)] = Math.Min(0.99, 1.4 * test),
                    },
                });
            }
        return runs;
    }

    /// <summary>
    /// The default fit's prediction computed from the fitted forms by hand, as docs/learning-curves.md states the rule: each
    /// backtested form weighted by 1 / (its backtest RMS log error)², the weighted mean of their log predictions, and the
    /// higher of that and M4's prediction where M4 was fitted.
    /// </summary>
    public static double DefaultPrediction(IReadOnlyList<LawAnalysis> laws, double x)
    {
        var scored = laws.Where(l => l.Extrapolation is { } e && double.IsFinite(e.RmsLogError)).ToList();
        double total = scored.Sum(l => 1 / (l.Extrapolation!.RmsLogError * l.Extrapolation.RmsLogError));
        double logMean = scored.Sum(l => Math.Log(l.Fit.Law.Predict(x)) / (l.Extrapolation!.RmsLogError * l.Extrapolation.RmsLogError)) / total;
        var m4 = laws.FirstOrDefault(l => l.Form == LawForm.M4);
        return Math.Max(Math.Exp(logMean), m4?.Fit.Law.Predict(x) ?? 0);
    }
}
