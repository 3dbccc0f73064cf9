using System.Collections.Generic;
using System.Linq;

namespace ViTDsl;

/// <summary>Every rule an <see cref="Experiment"/> must satisfy; the generator reports each problem as a build error.</summary>
internal static class ExperimentRules
{
    public static IReadOnlyList<Problem> Check(Experiment experiment) =>
        ShapeRules.Check(experiment.Model)
            .Concat(TrainingRules.Check(experiment))
            .Concat(OptimizerRules.Check(experiment))
            .Concat(FineTuneRules.Check(experiment))
            .Concat(FewShotRules.Check(experiment))
            .Concat(MemoryRules.Check(experiment))
            .Concat(EvaluationRules.Check(experiment.Evaluations))
            .ToList();
}
