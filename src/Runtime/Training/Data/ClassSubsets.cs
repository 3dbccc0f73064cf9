namespace ViTDsl.Runtime.Data;

/// <summary>
/// The images of some classes of a loaded data set (<see cref="DataSet.ClassSubset"/>), in both splits, in file order,
/// relabelled 0 … k−1 in the order the classes are listed.
/// </summary>
internal static class ClassSubsets
{
    public static LoadedDataSet Select(LoadedDataSet source, IReadOnlyList<int> classes, string name) =>
        new(Select(source.Train, classes, name), Select(source.Test, classes, name));

    public static ImageSet Select(ImageSet set, IReadOnlyList<int> classes, string name)
    {
        // The declaration's rules check the class list where the data set's classes are known; IDX files say only here.
        var missing = classes.Where(c => c < 0 || c >= set.Classes).ToList();
        if (missing.Count > 0)
            throw new ArgumentException($"{name} keeps class {missing[0]}, but its data set has classes 0…{set.Classes - 1}; list only those in DataSet.ClassSubset.");
        var label = Enumerable.Repeat(-1, set.Classes).ToArray();
        for (int i = 0; i < classes.Count; i++) label[classes[i]] = i;
        var kept = Enumerable.Range(0, set.Count).Where(i => label[set.Labels[i]] >= 0).ToArray();
        var pixels = new byte[(long)kept.Length * set.ImageBytes];
        for (int i = 0; i < kept.Length; i++)
            set.Image(kept[i]).CopyTo(pixels.AsSpan(i * set.ImageBytes, set.ImageBytes));
        return new ImageSet(pixels, kept.Select(i => label[set.Labels[i]]).ToArray(), set.Channels, set.Height, set.Width, classes.Count);
    }
}
