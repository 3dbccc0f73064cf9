namespace ViTDsl.Runtime.Data;

/// <summary>
/// Counter-based randomness for the data pipeline (SplitMix64). Every random choice is a pure function of
/// (seed, purpose, coordinates), e.g. the flip of the sample at (epoch, index), so a resumed or re-threaded run
/// sees exactly the same images, and no generator state needs saving.
/// </summary>
internal struct DataRandom
{
    private ulong state;

    public DataRandom(long seed, params long[] coordinates)
    {
        ulong s = Mix((ulong)seed ^ 0x9E3779B97F4A7C15UL);
        foreach (long c in coordinates) s = Mix(s ^ Mix((ulong)c + 0x632BE59BD9B4E019UL));
        state = s;
    }

    /// <summary>Purposes, so that different decisions made at the same coordinates are independent.</summary>
    public const long Subset = 1, Epoch = 2, Augment = 3, Synthetic = 4;

    public ulong NextULong()
    {
        state += 0x9E3779B97F4A7C15UL;
        return Mix(state);
    }

    /// <summary>Uniform in [0, 1).</summary>
    public double NextDouble() => (NextULong() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform integer in [0, n), without modulo bias (Lemire's method).</summary>
    public int NextInt(int n)
    {
        if (n <= 0) throw new ArgumentOutOfRangeException(nameof(n));
        ulong m = (ulong)n;
        while (true)
        {
            ulong x = NextULong();
            UInt128 product = (UInt128)x * m;
            ulong low = (ulong)product;
            if (low >= m || low >= (0UL - m) % m) return (int)(product >> 64);
        }
    }

    /// <summary>Standard normal (Box–Muller).</summary>
    public double NextGaussian()
    {
        double u = 1.0 - NextDouble(), v = NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u)) * Math.Cos(2.0 * Math.PI * v);
    }

    /// <summary>Shuffles in place (Fisher–Yates).</summary>
    public void Shuffle(Span<int> items)
    {
        for (int i = items.Length - 1; i > 0; i--)
        {
            int j = NextInt(i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }

    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
