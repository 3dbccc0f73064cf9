using System.Collections.Generic;
using System.Linq;

namespace ViTDsl;

/// <summary>
/// The training-recipe rules of an <see cref="Experiment"/>: its schedule fits its <see cref="Experiment.Steps"/>,
/// its data declaration is sound, and an explicitly chosen head bias agrees with its loss.
/// (<see cref="ExperimentRules"/> should include these.)
/// </summary>
internal static class TrainingRules
{
    public static IReadOnlyList<Problem> Check(Experiment experiment) =>
        ScheduleRules.Check(experiment.Schedule, experiment.Steps)
            .Concat(DataRules.Check(experiment.Data))
            .Concat(experiment.Loss is null
                ? new[] { new Problem(DiagnosticKinds.BadDecay.Id, nameof(Experiment.Loss), "Loss is null; use new Loss.Sigmoid() (paper) or new Loss.Softmax().") }
                : LossSemantics.Check(experiment.Loss, experiment.Model.Classifier))
            .ToList();
}
