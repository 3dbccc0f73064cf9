using System.Collections.Generic;
using System.Linq;
using System.Text;

namespace ViTDsl;

/// <summary>
/// The few-shot transfer targets of an experiment (paper §2, docs/reference.md §7): after training, the frozen
/// pre-logits features are probed with a closed-form ridge regression on k examples per class of each target data
/// set, for each shot count and seed. The paper's few-shot numbers are transfer, to data sets other than the upstream
/// one; the upstream data set's own test split is probed too, as a sanity line. Each result is recorded as
/// <c>fewshot/&lt;target&gt;/&lt;k&gt;shot_error</c>, the target named by <see cref="TargetName"/>.
/// </summary>
public sealed record FewShot
{
    /// <summary>Probe the upstream data set itself (shots from its training split, scored on its test split).</summary>
    public bool Upstream { get; init; } = true;

    /// <summary>
    /// Transfer targets, probed on their own training (shots) and test (score) splits. Their images are resized to the
    /// model's image size, as big_vision's few-shot evaluators resize every target to the model's resolution; grayscale
    /// targets are replicated to the model's channels. MNIST digits by default: a real transfer target for a
    /// Fashion-MNIST model.
    /// </summary>
    public ValueList<DataSet> DataSets { get; init; } = ValueList.Of<DataSet>(new DataSet.MnistDigits());

    /// <summary>Examples per class each probe is fitted on; one result per value (paper: 1, 5, 10, 25).</summary>
    public ValueList<int> Shots { get; init; } = ValueList.Of(1, 5, 10, 25);

    /// <summary>Seeds 0 … Seeds−1 of the shot sampling; results are the mean over them (paper: 3).</summary>
    public int Seeds { get; init; } = 3;

    /// <summary>
    /// The data sets probed for an experiment trained on <paramref name="upstream"/>, in order: the upstream one (when
    /// <see cref="Upstream"/>), then each transfer target not equal to one before it.
    /// </summary>
    public IReadOnlyList<DataSet> Targets(DataSet upstream) =>
        (Upstream ? new[] { upstream } : new DataSet[0]).Concat(DataSets).Distinct().ToList();

    /// <summary>
    /// The name a target's results are recorded under: <c>fashion_mnist</c>, <c>mnist_digits</c>, <c>synthetic</c>,
    /// or <c>idx_&lt;folder of the training images&gt;</c>; a class subset adds its kept classes, e.g.
    /// <c>fashion_mnist_classes_6_7_8_9</c> (lower case letters, digits and underscores only, so a name is safe in
    /// metric names, file names and command lines).
    /// </summary>
    public static string TargetName(DataSet set) => set switch
    {
        DataSet.FashionMnist => "fashion_mnist",
        DataSet.MnistDigits => "mnist_digits",
        DataSet.Synthetic => "synthetic",
        DataSet.Idx i => "idx_" + Safe(Folder(i.TrainImages)),
        DataSet.ClassSubset c => TargetName(c.Of) + "_classes_" + string.Join("_", c.Classes ?? ValueList<int>.Empty),
        _ => "unknown",
    };

    private static string Folder(string path)
    {
        var parts = (path ?? "").Replace('\\', '/').Split('/').Where(p => p.Length > 0).ToArray();
        return parts.Length >= 2 ? parts[parts.Length - 2] : parts.Length == 1 ? parts[0] : "";
    }

    private static string Safe(string text)
    {
        var name = new StringBuilder();
        foreach (var c in text.ToLowerInvariant())
            name.Append(c is >= 'a' and <= 'z' or >= '0' and <= '9' ? c : '_');
        return name.Length == 0 ? "data" : name.ToString();
    }
}
