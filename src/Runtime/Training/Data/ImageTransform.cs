namespace ViTDsl.Runtime.Data;

/// <summary>
/// Turns one stored image (bytes) into model input (floats, Channels × Side × Side): optional inception crop and
/// horizontal flip, fitting to the model's side (bilinear resize or centred zero padding), channel replication
/// (grayscale → RGB) and normalisation. Random choices come from the caller's <see cref="DataRandom"/>, so the
/// output is a pure function of (image, coordinates).
/// </summary>
internal sealed class ImageTransform
{
    private readonly ImageSet source;
    private readonly int contentHeight, contentWidth, padTop, padLeft;
    private readonly float[] scale, offset;

    /// <param name="source">The images.</param>
    /// <param name="side">The model's image side.</param>
    /// <param name="channels">The model's channels (1 → 3 replicates grayscale).</param>
    /// <param name="fit">How a different image size reaches <paramref name="side"/>.</param>
    /// <param name="normalisation">Pixel scaling.</param>
    /// <param name="mean">Per source channel mean of x/255 (only for <see cref="Normalisation.Standardise"/>).</param>
    /// <param name="std">Per source channel std of x/255 (only for <see cref="Normalisation.Standardise"/>).</param>
    /// <param name="flip">Random horizontal flip.</param>
    /// <param name="crop">Random inception crop.</param>
    /// <param name="cropMinArea">Smallest crop area fraction.</param>
    public ImageTransform(ImageSet source, int side, int channels, Fit fit, Normalisation normalisation,
        double[]? mean = null, double[]? std = null, bool flip = false, bool crop = false, double cropMinArea = 0.05)
    {
        if (channels != source.Channels && source.Channels != 1)
            throw new ArgumentException($"the model takes {channels} channels but the images have {source.Channels}; " +
                                        $"set the model's Channels = {source.Channels}.");
        this.source = source;
        Side = side;
        Channels = channels;
        Flip = flip;
        Crop = crop;
        CropMinArea = cropMinArea;
        (contentHeight, contentWidth) = fit switch
        {
            Fit.Resize => (side, side),
            Fit.Pad when source.Height <= side && source.Width <= side => (source.Height, source.Width),
            Fit.Pad => throw new ArgumentException($"Fit.Pad cannot shrink {source.Height}×{source.Width} images to the model's " +
                                                   $"{side}×{side}; use Fit.Resize or a larger model Image."),
            Fit.Exact when source.Height == side && source.Width == side => (side, side),
            Fit.Exact => throw new ArgumentException($"Fit.Exact needs images of the model's {side}×{side}, but they are " +
                                                     $"{source.Height}×{source.Width}; set the model's Image = {source.Height} or use Fit.Resize/Fit.Pad."),
            _ => throw new ArgumentOutOfRangeException(nameof(fit)),
        };
        padTop = (side - contentHeight) / 2;
        padLeft = (side - contentWidth) / 2;
        scale = new float[source.Channels];
        offset = new float[source.Channels];
        for (int c = 0; c < source.Channels; c++)
            (scale[c], offset[c]) = normalisation switch
            {
                Normalisation.MinusOneToOne => (1f / 127.5f, -1f),
                Normalisation.UnitRange => (1f / 255f, 0f),
                Normalisation.Standardise when mean is not null && std is not null =>
                    ((float)(1.0 / (255.0 * std[c])), (float)(-mean[c] / std[c])),
                Normalisation.Standardise => throw new ArgumentException("Standardise needs the training subset's mean and std."),
                _ => throw new ArgumentOutOfRangeException(nameof(normalisation)),
            };
    }

    public int Side { get; }
    public int Channels { get; }
    public bool Flip { get; }
    public bool Crop { get; }
    public double CropMinArea { get; }

    /// <summary>Floats per output image.</summary>
    public int OutputSize => Channels * Side * Side;

    /// <summary>Writes image <paramref name="image"/> into <paramref name="destination"/> (length <see cref="OutputSize"/>).</summary>
    public void Apply(int image, ref DataRandom random, Span<float> destination)
    {
        int h = source.Height, w = source.Width;
        (int bx, int by, int bw, int bh) = Crop ? SampleCrop(ref random) : (0, 0, w, h);
        bool mirror = Flip && random.NextDouble() < 0.5;
        var pixels = source.Image(image);

        if (contentHeight != Side || contentWidth != Side)
            for (int c = 0; c < Channels; c++)
                destination.Slice(c * Side * Side, Side * Side).Fill(offset[SourceChannel(c)]);

        bool identity = bx == 0 && by == 0 && bw == w && bh == h && contentWidth == w && contentHeight == h;
        Span<int> x0 = stackalloc int[contentWidth], x1 = stackalloc int[contentWidth];
        Span<float> fx = stackalloc float[contentWidth];
        for (int ox = 0; ox < contentWidth; ox++)
            (x0[ox], x1[ox], fx[ox]) = Sample(bx, bw, contentWidth, ox);

        for (int c = 0; c < Channels; c++)
        {
            int sc = SourceChannel(c);
            var plane = pixels.Slice(sc * h * w, h * w);
            var output = destination.Slice(c * Side * Side, Side * Side);
            float a = scale[sc], b = offset[sc];
            for (int oy = 0; oy < contentHeight; oy++)
            {
                var row = output.Slice((oy + padTop) * Side + padLeft, contentWidth);
                if (identity)
                {
                    var src = plane.Slice(oy * w, w);
                    if (mirror) for (int ox = 0; ox < w; ox++) row[w - 1 - ox] = a * src[ox] + b;
                    else for (int ox = 0; ox < w; ox++) row[ox] = a * src[ox] + b;
                    continue;
                }
                var (y0, y1, fy) = Sample(by, bh, contentHeight, oy);
                var top = plane.Slice(y0 * w, w);
                var bottom = plane.Slice(y1 * w, w);
                for (int ox = 0; ox < contentWidth; ox++)
                {
                    float upper = top[x0[ox]] + fx[ox] * (top[x1[ox]] - top[x0[ox]]);
                    float lower = bottom[x0[ox]] + fx[ox] * (bottom[x1[ox]] - bottom[x0[ox]]);
                    row[mirror ? contentWidth - 1 - ox : ox] = a * (upper + fy * (lower - upper)) + b;
                }
            }
        }
    }

    private int SourceChannel(int c) => source.Channels == 1 ? 0 : c;

    // Half-pixel-centre mapping of output pixel o onto a box [start, start + length) of the source, as in
    // torch's interpolate(align_corners=False) of the cropped box: samples stay inside the box, and an identical
    // box and size maps each pixel onto itself.
    private static (int, int, float) Sample(int start, int length, int outputs, int o)
    {
        int last = start + length - 1;
        double s = Math.Clamp(start + (o + 0.5) * length / outputs - 0.5, start, last);
        int i0 = (int)Math.Floor(s);
        return (i0, Math.Min(i0 + 1, last), (float)(s - i0));
    }

    /// <summary>
    /// big_vision's inception crop (TF <c>sample_distorted_bounding_box</c>): a box of area ∈ [CropMinArea, 1] of
    /// the image and aspect ratio ∈ [3/4, 4/3] (log-uniform), up to 10 tries, else the whole image. It is the
    /// first draw <see cref="Apply"/> makes from its random source.
    /// </summary>
    public (int X, int Y, int Width, int Height) SampleCrop(ref DataRandom random)
    {
        int w = source.Width, h = source.Height;
        for (int attempt = 0; attempt < 10; attempt++)
        {
            double area = (CropMinArea + (1 - CropMinArea) * random.NextDouble()) * w * h;
            double ratio = Math.Exp(Math.Log(3.0 / 4) + (Math.Log(4.0 / 3) - Math.Log(3.0 / 4)) * random.NextDouble());
            int cw = (int)Math.Round(Math.Sqrt(area * ratio)), ch = (int)Math.Round(Math.Sqrt(area / ratio));
            if (cw >= 1 && ch >= 1 && cw <= w && ch <= h)
                return (random.NextInt(w - cw + 1), random.NextInt(h - ch + 1), cw, ch);
        }
        return (0, 0, w, h);
    }
}
