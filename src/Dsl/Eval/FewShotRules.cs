using System.Collections.Generic;
using System.Linq;

namespace ViTDsl;

/// <summary>
/// Rules for <see cref="Experiment.FewShot"/>: at least one positive shot count, each once; at least one seed; every
/// target's images can reach the model (any size is resized; channels must match or be grayscale); target names are
/// distinct, so no two targets are recorded under one metric name.
/// </summary>
internal static class FewShotRules
{

    public static IReadOnlyList<Problem> Check(Experiment experiment)
    {
        var problems = new List<Problem>();
        if (experiment.FewShot is not { } fewShot) return problems;
        void Add(string message) => problems.Add(new(DiagnosticKinds.BadFewShot.Id, nameof(Experiment.FewShot), message));

        if (fewShot.Shots is null || fewShot.Shots.Count == 0)
            Add("FewShot.Shots is empty; declare at least one shot count, e.g. ValueList.Of(1, 5, 10, 25) (the paper's), or FewShot = null for no probes.");
        else
        {
            foreach (var k in fewShot.Shots.Where(k => k < 1).Distinct())
                Add($"FewShot.Shots holds {k}; a probe needs at least 1 example per class (the paper uses 1, 5, 10, 25).");
            foreach (var k in fewShot.Shots.GroupBy(k => k).Where(g => g.Count() > 1).Select(g => g.Key))
                Add($"FewShot.Shots holds {k} more than once; list each shot count once.");
        }
        if (fewShot.Seeds < 1)
            Add($"FewShot.Seeds is {fewShot.Seeds}; use at least 1 (the paper averages 3).");
        if (fewShot.DataSets is null || fewShot.DataSets.Any(d => d is null))
        {
            Add("FewShot.DataSets is or holds null; list the transfer data sets, e.g. ValueList.Of<DataSet>(new DataSet.MnistDigits()), or an empty ValueList<DataSet>.Empty.");
            return problems;
        }
        if (!fewShot.Upstream && fewShot.DataSets.Count == 0)
            Add("FewShot probes nothing (Upstream = false and no DataSets); add a target, or write FewShot = null.");

        int channels = experiment.Model.Channels;
        foreach (var target in fewShot.DataSets)
        {
            var name = FewShot.TargetName(target);
            if (KnownChannels(target) is int c && c != channels && c != 1)
                Add($"Few-shot target {name} has {c}-channel images but the model takes {channels}; only grayscale images are " +
                    $"replicated to more channels. Remove it from FewShot.DataSets or probe a model with Channels = {c}.");
            if (target is DataSet.Synthetic s && (s.TestImages < 1 || s.TrainImages < s.Classes || s.Side < 1 || s.Channels < 1 || s.Classes < 1))
                Add($"Few-shot target {s} needs at least one training image per class and one test image.");
            foreach (var problem in DataRules.Check(new Data(target)).Where(p => p.Id == DiagnosticKinds.BadPath.Id || p.Id == DiagnosticKinds.BadClassSubset.Id))
                Add($"Few-shot target {name}: {problem.Message}");
        }
        if (experiment.Data?.Set is { } upstream)
            foreach (var clash in fewShot.Targets(upstream).GroupBy(FewShot.TargetName).Where(g => g.Count() > 1))
                Add($"Few-shot targets {string.Join(" and ", clash)} would both be recorded as '{clash.Key}'; probe only one of them.");
        return problems;
    }

    /// <summary>Channels of a data set's images when the declaration alone says (IDX files say only when read).</summary>
    public static int? KnownChannels(DataSet set) => set switch
    {
        DataSet.FashionMnist or DataSet.MnistDigits => 1,
        DataSet.Synthetic s => s.Channels,
        DataSet.ClassSubset { Of: { } of } => KnownChannels(of),
        _ => null,
    };
}
