using System.Collections.Generic;

namespace ViTDsl;

/// <summary>
/// The rules an experiment's optimizer fields must satisfy. The runtime checks them before building a chain; the
/// generator should report them as build errors (ids VIT301–VIT307).
/// </summary>
internal static class OptimizerRules
{

    public static IReadOnlyList<Problem> Check(Experiment e)
    {
        var problems = new List<Problem>();
        void Need(bool ok, string id, string member, string message)
        {
            if (!ok) problems.Add(new(id, member, message));
        }

        Need(e.LearningRate > 0 && !double.IsInfinity(e.LearningRate), DiagnosticKinds.BadLearningRate.Id, nameof(Experiment.LearningRate),
            $"LearningRate is {e.LearningRate} but must be a positive finite number; the paper uses 8e-4.");
        Need(e.WeightDecay.Head >= 0 && e.WeightDecay.Body >= 0, DiagnosticKinds.BadWeightDecay.Id, nameof(Experiment.WeightDecay),
            $"WeightDecay {e.WeightDecay} has a negative entry; use values ≥ 0 (the paper: new WeightDecay(Head: 3.0, Body: 0.03)).");
        if (e.GradientClipNorm is double clip)
            Need(clip > 0, DiagnosticKinds.BadClipping.Id, nameof(Experiment.GradientClipNorm),
                $"GradientClipNorm is {clip} but must be positive, or null for no clipping; the paper uses 1.0.");

        switch (e.Optimizer)
        {
            case Optimizer.Adam a:
                Need(InUnit(a.Beta1), DiagnosticKinds.BadBeta.Id, nameof(Experiment.Optimizer), $"Adam Beta1 is {a.Beta1} but must lie in [0, 1); the default is 0.9.");
                Need(InUnit(a.Beta2), DiagnosticKinds.BadBeta.Id, nameof(Experiment.Optimizer), $"Adam Beta2 is {a.Beta2} but must lie in [0, 1); the default is 0.999.");
                Need(a.Epsilon > 0, DiagnosticKinds.BadEpsilon.Id, nameof(Experiment.Optimizer), $"Adam Epsilon is {a.Epsilon} but must be positive; the default is 1e-8.");
                break;
            case Optimizer.Adafactor f:
                if (f.Momentum is double m)
                    Need(InUnit(m), DiagnosticKinds.BadMomentum.Id, nameof(Experiment.Optimizer), $"Adafactor Momentum is {m} but must lie in [0, 1), or be null for none; the paper uses 0.9.");
                Need(f.Beta2Cap > 0 && f.Beta2Cap < 1, DiagnosticKinds.BadBeta.Id, nameof(Experiment.Optimizer), $"Adafactor Beta2Cap is {f.Beta2Cap} but must lie in (0, 1); the paper uses 0.999.");
                Need(f.DecayRate > 0, DiagnosticKinds.BadBeta.Id, nameof(Experiment.Optimizer), $"Adafactor DecayRate is {f.DecayRate} but must be positive; the paper uses 0.8.");
                Need(f.Epsilon > 0, DiagnosticKinds.BadEpsilon.Id, nameof(Experiment.Optimizer), $"Adafactor Epsilon is {f.Epsilon} but must be positive; the paper uses 1e-30.");
                Need(f.MinDimToFactor >= 1, DiagnosticKinds.BadFactoring.Id, nameof(Experiment.Optimizer), $"Adafactor MinDimToFactor is {f.MinDimToFactor} but must be at least 1; the paper uses 32.");
                if (f.ClipThreshold is double t)
                    Need(t > 0, DiagnosticKinds.BadClipping.Id, nameof(Experiment.Optimizer), $"Adafactor ClipThreshold is {t} but must be positive, or null for none (the paper).");
                break;
            case Optimizer.Sgd s:
                Need(InUnit(s.Momentum), DiagnosticKinds.BadMomentum.Id, nameof(Experiment.Optimizer), $"SGD Momentum is {s.Momentum} but must lie in [0, 1); fine-tuning uses 0.9.");
                break;
        }
        return problems;
    }

    private static bool InUnit(double x) => x >= 0 && x < 1;
}
