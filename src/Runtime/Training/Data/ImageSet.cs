namespace ViTDsl.Runtime.Data;

/// <summary>
/// Images held in memory as bytes (N × Channels × Height × Width, row-major) with one integer label each.
/// Bytes keep 60k Fashion-MNIST images at 47 MB; conversion to floats happens per batch.
/// </summary>
internal sealed class ImageSet
{
    public ImageSet(byte[] pixels, int[] labels, int channels, int height, int width, int classes)
    {
        if (channels <= 0 || height <= 0 || width <= 0)
            throw new ArgumentException($"image shape {channels}×{height}×{width} must be positive");
        if (pixels.LongLength != (long)labels.Length * channels * height * width)
            throw new ArgumentException($"{pixels.LongLength} pixel bytes do not hold {labels.Length} images of {channels}×{height}×{width}");
        foreach (int label in labels)
            if (label < 0 || label >= classes)
                throw new ArgumentException($"label {label} lies outside the {classes} classes 0…{classes - 1}");
        Pixels = pixels;
        Labels = labels;
        Channels = channels;
        Height = height;
        Width = width;
        Classes = classes;
    }

    public byte[] Pixels { get; }
    public int[] Labels { get; }
    public int Count => Labels.Length;
    public int Channels { get; }
    public int Height { get; }
    public int Width { get; }
    public int Classes { get; }

    /// <summary>Bytes of one image.</summary>
    public int ImageBytes => Channels * Height * Width;

    /// <summary>The bytes of image <paramref name="index"/>.</summary>
    public ReadOnlySpan<byte> Image(int index) => Pixels.AsSpan(index * ImageBytes, ImageBytes);

    /// <summary>Images per class.</summary>
    public int[] ClassCounts()
    {
        var counts = new int[Classes];
        foreach (int label in Labels) counts[label]++;
        return counts;
    }
}
