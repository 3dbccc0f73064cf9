namespace ViTDsl;

/// <summary>
/// The training data of an experiment: a data set, the size of the training subset (the data axis of a scaling
/// study), batch size, seed and augmentation. Defaults follow the paper where it has one (batch 4096 for models
/// below g; inception crop and flip; big_vision's value range [−1, 1]).
/// </summary>
/// <param name="Set">The images, e.g. <c>new DataSet.FashionMnist()</c>.</param>
public sealed record Data(DataSet Set)
{
    /// <summary>
    /// Training images to use: the first n of one seeded, class-balanced permutation, so a smaller subset is
    /// contained in a larger one. Null: all of them.
    /// </summary>
    public long? TrainImages { get; init; }

    /// <summary>Images per training step (paper: 4096; 16,384 for ViT-g and ViT-G).</summary>
    public int Batch { get; init; } = 4096;

    /// <summary>Seed of the subset, the per-epoch shuffle and the augmentation.</summary>
    public long Seed { get; init; }

    /// <summary>Random horizontal flip (paper: yes).</summary>
    public bool Flip { get; init; } = true;

    /// <summary>Random "inception" crop: a box of random area and aspect ratio resized to the model's image (paper: yes).</summary>
    public bool Crop { get; init; } = true;

    /// <summary>Smallest crop area as a fraction of the image (big_vision's inception crop: 5%).</summary>
    public double CropMinArea { get; init; } = 0.05;

    /// <summary>How images of another size reach the model's image size.</summary>
    public Fit Fit { get; init; } = Fit.Resize;

    /// <summary>How pixel values are scaled.</summary>
    public Normalisation Normalisation { get; init; } = Normalisation.MinusOneToOne;
}

/// <summary>How an image whose side differs from the model's <see cref="Vit.Image"/> is fitted.</summary>
public enum Fit
{
    /// <summary>Bilinear resize to the model's side.</summary>
    Resize,
    /// <summary>Zero-pad (centred) up to the model's side; the image must not be larger.</summary>
    Pad,
    /// <summary>No fitting: a size mismatch is an error.</summary>
    Exact,
}

/// <summary>How pixel bytes 0…255 become model inputs.</summary>
public enum Normalisation
{
    /// <summary>x/127.5 − 1, big_vision's <c>value_range(-1, 1)</c>.</summary>
    MinusOneToOne,
    /// <summary>x/255.</summary>
    UnitRange,
    /// <summary>(x/255 − mean)/std per channel, with mean and std of the training subset.</summary>
    Standardise,
}
