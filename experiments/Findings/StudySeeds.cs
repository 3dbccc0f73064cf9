using ViTDsl.Runtime.Analysis.Findings;
using ViTDsl.Runtime.Models;

namespace ViTDsl.Experiments.Findings;

/// <summary>
/// How many of its declared seeds a study runs: its pilot first, then as many as the comparisons of the findings it
/// serves need for an interval of half their margin (<see cref="PowerPlan"/>), at most those it declares.
/// </summary>
/// <param name="Plans">Per finding, one plan per comparison, from the pilot's spread.</param>
internal sealed record StudySeeds(SeedPlanning Planning, IReadOnlyDictionary<string, IReadOnlyList<PowerPlan>> Plans)
{
    /// <summary>Seeds the study runs: the most any comparison needs (capped at the declared), at least the pilot's.</summary>
    public int Seeds => Plans.Values.SelectMany(p => p).Select(p => p.Seeds).DefaultIfEmpty(Planning.PilotSeeds).Max();

    /// <summary>The plan from the pilot's trials (those whose seed is among the pilot's); a finding the pilot cannot judge yet gets none.</summary>
    public static StudySeeds Plan(FindingInput pilot, IReadOnlyList<Finding> findings)
    {
        var planning = SeedPlanning.Of(pilot.Sweep);
        var plans = new Dictionary<string, IReadOnlyList<PowerPlan>>();
        foreach (var finding in findings)
        {
            FindingSection section;
            try { section = finding.Judge(pilot); }
            catch (Exception e) when (e is ArgumentException or InvalidOperationException) { continue; } // unfinished pilot: nothing to plan from
            plans[finding.Name] = section.Comparisons
                .Where(c => c.Judgement.Difference.Seeds >= 2)
                .Select(c => PowerPlan.For(c.Judgement.Difference.Spread, c.Judgement.Difference.Seeds, finding.PlanningMargin, planning.MaxSeeds, finding.PartRule(pilot.Sweep).Level))
                .ToList();
        }
        return new StudySeeds(planning, plans);
    }
}
