using System;
using System.Collections.Generic;
using System.Linq;

namespace ViTDsl;

/// <summary>
/// Which training runs share work (paper §3.5). With a schedule whose decay does not depend on the run's length
/// (constant or rsqrt), two runs that differ only in <see cref="Experiment.Steps"/> are identical up to the start of
/// the shorter one's cooldown. So a run of T steps with cooldown C can branch off a longer run's checkpoint at step
/// T − C: one main run evaluates many durations for the price of one plus their cooldowns.
/// </summary>
public static class Lineage
{
    /// <summary>
    /// Runs in one lineage differ at most in their length (and in the device, its execution and periodic evaluations, which do not
    /// change the numbers).
    /// </summary>
    public static string KeyOf(Experiment experiment) =>
        SourceText.Print(experiment with { Steps = 0, Device = Accelerator.ThisCpuFp32, DeviceCount = 1, Execution = null, Evaluations = Evaluations.Default });

    /// <summary>Whether the schedule's prefix is independent of the run's length, so runs can branch.</summary>
    public static bool CanBranch(Experiment experiment) => experiment.Schedule.Decay is Decay.Constant or Decay.Rsqrt;

    /// <summary>
    /// Steps this run shares with every longer run of its lineage: up to the start of its cooldown (all of it
    /// without a cooldown), or none when the schedule's decay depends on the length (linear, cosine).
    /// </summary>
    public static long SharedSteps(Experiment experiment) =>
        CanBranch(experiment) ? Math.Max(0, experiment.Steps - experiment.Schedule.CooldownSteps) : 0;

    /// <summary>
    /// Steps at which <paramref name="run"/> keeps a checkpoint of its prefix so that the shorter runs of its lineage
    /// among <paramref name="runs"/> can branch off it exactly where their cooldowns start (its own branch point is
    /// kept anyway). Without them a shorter run would resume from an earlier checkpoint and train the steps between
    /// again, which <see cref="StepsWhenBranched"/> does not count.
    /// </summary>
    public static long[] BranchPoints(Experiment run, IEnumerable<Experiment> runs)
    {
        var key = KeyOf(run);
        long shared = SharedSteps(run);
        return runs.Where(other => KeyOf(other) == key).Select(SharedSteps)
            .Where(step => step > 0 && step < shared).Distinct().OrderBy(step => step).ToArray();
    }

    /// <summary>
    /// Training steps a set of runs costs when each branches off the longest run of its lineage: every lineage's
    /// longest shared prefix once, plus each run's own remaining steps.
    /// </summary>
    public static long StepsWhenBranched(System.Collections.Generic.IEnumerable<Experiment> runs)
    {
        long total = 0;
        foreach (var lineage in System.Linq.Enumerable.GroupBy(runs, KeyOf))
        {
            long prefix = 0;
            foreach (var run in lineage)
            {
                var shared = SharedSteps(run);
                prefix = Math.Max(prefix, shared);
                total += run.Steps - shared;
            }
            total += prefix;
        }
        return total;
    }
}
