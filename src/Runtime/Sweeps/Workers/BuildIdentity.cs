using ViTDsl.Runtime.Models;

namespace ViTDsl.Runtime.Workers;

/// <summary>
/// The check that a worker trains the model the sweep planned: the stored spec's lineage digest, steps and parameter
/// count against the experiment this worker's build declares under the same name. Workers find experiments by name,
/// so a rebuild during a sweep (or before queued cluster tasks start) would otherwise record another model under the
/// stored spec.
/// </summary>
internal static class BuildIdentity
{
    /// <exception cref="BuildMismatchException">The worker's build declares the experiment differently (the message names both).</exception>
    public static void Check(string trial, TrainingTrial planned, GeneratedExperiment built)
    {
        var lineage = TrainingTrial.LineageDigest(built.Declaration);
        var plannedIdentity = Describe(planned.Lineage, planned.Steps, planned.Parameters);
        var builtIdentity = Describe(lineage, built.Declaration.Steps, built.Facts.TotalParameters);
        if (plannedIdentity == builtIdentity || planned.Lineage is null && planned.Steps == built.Declaration.Steps && planned.Parameters == built.Facts.TotalParameters)
            return;
        throw new BuildMismatchException(
            $"trial '{trial}' was planned as experiment '{planned.Experiment}' with {plannedIdentity}, but this worker's build declares it with " +
            $"{builtIdentity}: the worker was built from other sources than the sweep's plan (rebuilt during the sweep?). Run the sweep " +
            "with the build that planned it, or give the changed sweep a new name");
    }

    private static string Describe(string? lineage, long steps, long parameters) => $"lineage {lineage ?? "(not recorded)"}, {steps} steps, {parameters} parameters";
}

/// <summary>A worker's build declares a trial's experiment differently from the sweep's plan; nothing was trained.</summary>
internal sealed class BuildMismatchException(string message) : Exception(message);
