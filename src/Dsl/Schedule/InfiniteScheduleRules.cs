using System.Collections.Generic;

namespace ViTDsl;

/// <summary>The rules an <see cref="InfiniteSchedule"/> must satisfy.</summary>
internal static class InfiniteScheduleRules
{
    public static IReadOnlyList<Problem> Check(InfiniteSchedule s)
    {
        var problems = new List<Problem>();
        if (s.Main.CooldownSteps != 0)
            problems.Add(new(DiagnosticKinds.BadInfinite.Id, nameof(InfiniteSchedule.Main),
                $"The main run {s.Main} has a cooldown; remove it, each branch gets its own (CooldownSteps)."));
        if (s.Main.Decay is { NeedsTotal: true })
            problems.Add(new(DiagnosticKinds.BadInfinite.Id, nameof(InfiniteSchedule.Main),
                $"{s.Main.Decay} depends on the run's length, so it cannot run indefinitely; use Rsqrt or Constant."));
        if (s.Durations.Count == 0)
            problems.Add(new(DiagnosticKinds.BadInfinite.Id, nameof(InfiniteSchedule.Durations),
                "No branch durations; give e.g. ValueList.Of(200_000L, 400_000L, 500_000L)."));
        foreach (var b in s.Branches)
            if (b.CooldownSteps <= 0 || b.Start < s.Main.WarmupSteps)
                problems.Add(new(DiagnosticKinds.BadInfinite.Id, nameof(InfiniteSchedule.Durations),
                    $"Branch of {b.Duration} steps with cooldown {b.CooldownSteps} would fork at step {b.Start}, before the " +
                    $"end of warmup ({s.Main.WarmupSteps}) or with no cooldown; lengthen it or shorten the cooldown."));
        return problems;
    }
}
