namespace ViTDsl.Runtime.Data;

/// <summary>
/// Generates <see cref="DataSet.Synthetic"/>: a random prototype per class, and each image its class's prototype
/// plus Gaussian noise (std 48 grey levels), so a model can learn it but not trivially. Labels cycle through the
/// classes so every class has the same number of images (±1).
/// </summary>
internal static class SyntheticImages
{
    public static LoadedDataSet Generate(DataSet.Synthetic s)
    {
        int size = s.Channels * s.Side * s.Side;
        var prototypes = new byte[s.Classes][];
        for (int c = 0; c < s.Classes; c++)
        {
            var rng = new DataRandom(s.Seed, DataRandom.Synthetic, 0, c);
            prototypes[c] = new byte[size];
            for (int i = 0; i < size; i++) prototypes[c][i] = (byte)rng.NextInt(256);
        }
        return new(Split(s, prototypes, s.TrainImages, 1), Split(s, prototypes, s.TestImages, 2));
    }

    private static ImageSet Split(DataSet.Synthetic s, byte[][] prototypes, int count, long split)
    {
        int size = prototypes[0].Length;
        var pixels = new byte[(long)count * size];
        var labels = new int[count];
        for (int n = 0; n < count; n++)
        {
            labels[n] = n % s.Classes;
            var rng = new DataRandom(s.Seed, DataRandom.Synthetic, split, n);
            var prototype = prototypes[labels[n]];
            for (int i = 0; i < size; i++)
                pixels[(long)n * size + i] = (byte)Math.Clamp(Math.Round(prototype[i] + 48 * rng.NextGaussian()), 0, 255);
        }
        return new ImageSet(pixels, labels, s.Channels, s.Side, s.Side, s.Classes);
    }
}
