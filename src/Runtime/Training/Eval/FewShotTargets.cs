using System.Collections.Concurrent;
using ViTDsl.Runtime.Data;
using DataDeclaration = ViTDsl.Data;

namespace ViTDsl.Runtime.Eval;

/// <summary>
/// The images of a few-shot transfer target, as a model sees them: its own training split (the pool shots are drawn
/// from) and test split, unaugmented, resized to the model's image size and replicated to its channels (big_vision's
/// few-shot evaluators resize every target to the model's resolution), normalised like the upstream data. A data set
/// is read once per process: each trial probes it again, only the features are new.
/// </summary>
internal static class FewShotTargets
{
    private static readonly ConcurrentDictionary<DataSet, LoadedDataSet> Loaded = new();

    public static DataPipeline Pipeline(DataSet target, Experiment experiment)
    {
        // A failed read is not cached: the error names the fix, and a later call after the fix succeeds.
        var source = Loaded.GetOrAdd(target, DataSetLoader.Load);
        var data = new DataDeclaration(target) { Flip = false, Crop = false, Fit = Fit.Resize, Normalisation = experiment.Data.Normalisation };
        return DataPipeline.Create(data, source, experiment.Model.Image, experiment.Model.Channels);
    }
}
