using System.Collections.Generic;
using System.Linq;

namespace ViTDsl;

/// <summary>The rules a <see cref="Data"/> declaration must satisfy (what can be checked without reading files).</summary>
internal static class DataRules
{

    public static IReadOnlyList<Problem> Check(Data data)
    {
        var problems = new List<Problem>();
        if (data.Batch <= 0)
            problems.Add(new(DiagnosticKinds.DataNotPositive.Id, nameof(Data.Batch), $"Batch is {data.Batch}; use at least 1 image per step (paper: 4096)."));
        if (data.TrainImages is long n && n <= 0)
            problems.Add(new(DiagnosticKinds.DataNotPositive.Id, nameof(Data.TrainImages), $"TrainImages is {n}; use at least 1, or null for the whole training set."));
        if (data.Crop && !(data.CropMinArea > 0 && data.CropMinArea <= 1))
            problems.Add(new(DiagnosticKinds.BadCrop.Id, nameof(Data.CropMinArea), $"CropMinArea is {data.CropMinArea}; it is a fraction of the image in (0, 1] (big_vision: 0.05)."));
        CheckSet(data.Set, problems);
        return problems;
    }

    private static void CheckSet(DataSet? set, List<Problem> problems)
    {
        switch (set)
        {
            case null:
                problems.Add(new(DiagnosticKinds.BadPath.Id, nameof(Data.Set), "Set is null; use e.g. new DataSet.FashionMnist()."));
                break;
            case DataSet.Synthetic s when s.TrainImages <= 0 || s.TestImages < 0 || s.Classes < 1 || s.Side < 1 || s.Channels < 1:
                problems.Add(new(DiagnosticKinds.DataNotPositive.Id, nameof(Data.Set), $"{s} needs ≥ 1 training image, ≥ 0 test images, ≥ 1 class, side and channel."));
                break;
            case DataSet.Idx i when string.IsNullOrEmpty(i.TrainImages) || string.IsNullOrEmpty(i.TrainLabels) || string.IsNullOrEmpty(i.TestImages) || string.IsNullOrEmpty(i.TestLabels):
                problems.Add(new(DiagnosticKinds.BadPath.Id, nameof(Data.Set), "DataSet.Idx needs all four paths (train images, train labels, test images, test labels)."));
                break;
            case DataSet.MnistDigits m when string.IsNullOrEmpty(m.Directory):
                problems.Add(new(DiagnosticKinds.BadPath.Id, nameof(Data.Set), $"MnistDigits.Directory is empty; leave the default {DataSet.MnistDigitsDirectory}."));
                break;
            case DataSet.MnistDigits m when m.TestPerClass is < 1 or > 800:
                problems.Add(new(DiagnosticKinds.DataNotPositive.Id, nameof(Data.Set), $"MnistDigits.TestPerClass is {m.TestPerClass}; each digit has about 1,000 images, so choose 1 to 800 (default 200)."));
                break;
            case DataSet.FashionMnist f when string.IsNullOrEmpty(f.Directory):
                problems.Add(new(DiagnosticKinds.BadPath.Id, nameof(Data.Set), $"FashionMnist.Directory is empty; leave the default {DataSet.FashionMnistDirectory}."));
                break;
            case DataSet.ClassSubset c:
                CheckSubset(c, problems);
                break;
        }
    }

    // The kept classes must be at least two distinct classes of the underlying set (when its declaration says how many it has).
    private static void CheckSubset(DataSet.ClassSubset subset, List<Problem> problems)
    {
        void Add(string message) => problems.Add(new(DiagnosticKinds.BadClassSubset.Id, nameof(Data.Set), message));
        const string Example = "e.g. new DataSet.ClassSubset(new DataSet.FashionMnist(), ValueList.Of(0, 1, 2, 3, 4, 5))";
        if (subset.Of is DataSet.ClassSubset)
            Add($"ClassSubset of a ClassSubset ({subset}); subset the underlying data set once, listing the classes to keep, {Example}.");
        if (subset.Classes is null || subset.Classes.Count < 2)
            Add($"ClassSubset keeps {subset.Classes?.Count ?? 0} class{(subset.Classes?.Count == 1 ? "" : "es")} of {subset.Of}; a classifier needs at least 2, {Example}.");
        else
        {
            int? known = subset.Of is null ? null : DataSet.KnownClasses(subset.Of);
            foreach (var k in subset.Classes.Where(k => k < 0 || k >= known).Distinct())
                Add($"ClassSubset lists class {k}, but {subset.Of} has classes {(known is int n ? $"0…{n - 1}" : "numbered from 0")}; list only those.");
            foreach (var k in subset.Classes.GroupBy(k => k).Where(g => g.Count() > 1).Select(g => g.Key))
                Add($"ClassSubset lists class {k} more than once; list each kept class once (class Classes[i] becomes label i).");
        }
        if (subset.Of is null)
            problems.Add(new(DiagnosticKinds.BadPath.Id, nameof(Data.Set), $"ClassSubset.Of is null; name the data set whose classes are kept, {Example}."));
        else if (subset.Of is not DataSet.ClassSubset)
            CheckSet(subset.Of, problems);
    }
}
