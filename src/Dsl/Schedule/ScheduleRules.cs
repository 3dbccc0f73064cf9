using System.Collections.Generic;

namespace ViTDsl;

/// <summary>The rules a <see cref="Schedule"/> must satisfy for a run of a given length.</summary>
internal static class ScheduleRules
{

    public static IReadOnlyList<Problem> Check(Schedule schedule, long totalSteps)
    {
        var problems = new List<Problem>();
        if (totalSteps <= 0)
            problems.Add(new(DiagnosticKinds.NegativePhase.Id, "Steps", $"Steps is {totalSteps} but a run needs at least 1 step."));
        if (schedule.WarmupSteps < 0)
            problems.Add(new(DiagnosticKinds.NegativePhase.Id, nameof(Schedule.WarmupSteps), $"Warmup is {schedule.WarmupSteps} steps; use 0 (no warmup) or more."));
        if (schedule.CooldownSteps < 0)
            problems.Add(new(DiagnosticKinds.NegativePhase.Id, nameof(Schedule.CooldownSteps), $"Cooldown is {schedule.CooldownSteps} steps; use 0 (no cooldown) or more."));
        switch (schedule.Decay)
        {
            case null:
                problems.Add(new(DiagnosticKinds.BadDecay.Id, nameof(Schedule.Decay), "Decay is null; use e.g. Schedule.Rsqrt(timescale: 10_000) or Schedule.Constant()."));
                break;
            case Decay.Rsqrt r when r.Timescale <= 0:
                problems.Add(new(DiagnosticKinds.BadDecay.Id, nameof(Schedule.Decay), $"Rsqrt timescale is {r.Timescale}; it must be positive (the paper uses 10_000)."));
                break;
            case Decay.Linear l when l.Power <= 0 || l.End < 0 || l.End > 1:
                problems.Add(new(DiagnosticKinds.BadDecay.Id, nameof(Schedule.Decay), $"Linear(power: {l.Power}, end: {l.End}) needs power > 0 and 0 ≤ end ≤ 1."));
                break;
        }
        if (problems.Count == 0 && schedule.WarmupSteps + schedule.CooldownSteps > totalSteps)
            problems.Add(new(DiagnosticKinds.PhasesExceedRun.Id, nameof(Schedule.CooldownSteps),
                $"Warmup {schedule.WarmupSteps} + cooldown {schedule.CooldownSteps} steps exceed the run's {totalSteps} steps; " +
                $"shorten them or train at least {schedule.WarmupSteps + schedule.CooldownSteps} steps."));
        if (problems.Count == 0 && schedule.Decay is { NeedsTotal: true } && schedule.WarmupSteps >= totalSteps)
            problems.Add(new(DiagnosticKinds.PhasesExceedRun.Id, nameof(Schedule.WarmupSteps),
                $"{schedule.Decay} decays over the steps after warmup, but warmup {schedule.WarmupSteps} leaves none of the {totalSteps}."));
        return problems;
    }
}
