namespace ViTDsl.Runtime.Data;

/// <summary>The training and test images of a <see cref="DataSet"/>, in memory.</summary>
internal sealed record LoadedDataSet(ImageSet Train, ImageSet Test);

/// <summary>
/// Reads a <see cref="DataSet"/> into memory. Missing files say how to install or point to the data; corrupt files
/// (bad magic, truncation, image/label count mismatch) say which file and what is wrong.
/// </summary>
internal static class DataSetLoader
{
    public static LoadedDataSet Load(DataSet set) => set switch
    {
        DataSet.FashionMnist f => LoadFashionMnist(f),
        DataSet.MnistDigits m => MnistDigitsFiles.Load(m),
        DataSet.Idx i => new(LoadPair(i.TrainImages, i.TrainLabels, null), LoadPair(i.TestImages, i.TestLabels, null)),
        DataSet.Synthetic s => SyntheticImages.Generate(s),
        DataSet.ClassSubset c => ClassSubsets.Select(Load(c.Of), c.Classes, c.ToString()),
        null => throw new ArgumentNullException(nameof(set)),
        _ => throw new InvalidOperationException("unreachable: DataSet is closed"),
    };

    private static LoadedDataSet LoadFashionMnist(DataSet.FashionMnist set)
    {
        FashionMnistFiles.EnsurePresent(set);
        var paths = FashionMnistFiles.Paths(set);
        return new(LoadPair(paths[0], paths[1], 10), LoadPair(paths[2], paths[3], 10));
    }

    /// <summary>Reads an image file ([N, H, W] or [N, C, H, W]) and its label file ([N]).</summary>
    /// <param name="classes">The number of classes, or null to take the largest label + 1.</param>
    public static ImageSet LoadPair(string imagesPath, string labelsPath, int? classes)
    {
        foreach (var p in new[] { imagesPath, labelsPath })
            if (!File.Exists(p))
                throw new FileNotFoundException($"IDX file {p} does not exist; check the path in DataSet.Idx(…) " +
                                                $"(for Fashion-MNIST: `sudo apt-get install -y {FashionMnistFiles.DebianPackage}`).", p);
        var images = IdxFile.Read(imagesPath);
        var labels = IdxFile.Read(labelsPath);
        if (images.Shape.Length is not (3 or 4))
            throw new InvalidDataException($"IDX file {imagesPath} has shape [{string.Join(", ", images.Shape)}]; images need " +
                                           "[N, H, W] or [N, C, H, W]. Is it a label file given as images?");
        if (labels.Shape.Length != 1)
            throw new InvalidDataException($"IDX file {labelsPath} has shape [{string.Join(", ", labels.Shape)}]; labels need [N]. " +
                                           "Is it an image file given as labels?");
        if (images.Shape[0] != labels.Shape[0])
            throw new InvalidDataException($"{imagesPath} holds {images.Shape[0]} images but {labelsPath} holds {labels.Shape[0]} labels; " +
                                           "the two files must come from the same split (re-download or fix the paths).");
        int[] labelValues = labels.Values.Select(b => (int)b).ToArray();
        int k = classes ?? (labelValues.Length == 0 ? 1 : labelValues.Max() + 1);
        int bad = Array.FindIndex(labelValues, l => l >= k);
        if (bad >= 0)
            throw new InvalidDataException($"{labelsPath}: label {labelValues[bad]} at index {bad} is outside the {k} classes 0…{k - 1}.");
        bool rank4 = images.Shape.Length == 4;
        return new ImageSet(images.Values, labelValues, rank4 ? images.Shape[1] : 1,
            images.Shape[rank4 ? 2 : 1], images.Shape[rank4 ? 3 : 2], k);
    }
}
