using System.Collections.Generic;

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
        switch (data.Set)
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
        }
        return problems;
    }
}
