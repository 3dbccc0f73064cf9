namespace ViTDsl.Runtime.Eval;

/// <summary>
/// Chooses the few-shot training examples as big_vision does: for a seed, one permutation of all training indices,
/// then per class the first k indices of that class in permutation order. Larger k extends smaller k's choice, so
/// 5-shot contains the 1-shot example of the same seed.
/// </summary>
internal static class ShotSampler
{
    /// <summary>Indices of <paramref name="shots"/> examples per class, then the next <paramref name="extraPerClass"/> per class (for λ selection).</summary>
    public static (long[] Shots, long[] Extra) Sample(IReadOnlyList<long> labels, int classes, int shots, int seed, int extraPerClass = 0)
    {
        if (shots < 1) throw new ArgumentOutOfRangeException(nameof(shots), shots, "Shots per class must be at least 1.");
        var order = Permutation(labels.Count, seed);
        var taken = new int[classes];
        var chosen = new List<long>();
        var extra = new List<long>();
        foreach (var i in order)
        {
            long c = labels[i];
            if (c < 0 || c >= classes)
                throw new ArgumentException($"Label {c} at index {i} is outside [0, {classes}); pass the right class count.", nameof(labels));
            if (taken[c] < shots) chosen.Add(i);
            else if (taken[c] < shots + extraPerClass) extra.Add(i);
            else continue;
            taken[c]++;
        }
        for (int c = 0; c < classes; c++)
            if (taken[c] < shots + extraPerClass)
                throw new ArgumentException(
                    $"Class {c} has only {taken[c]} training examples; {shots} shots{(extraPerClass > 0 ? $" + {extraPerClass} held out" : "")} are needed. Use fewer shots or a larger training pool.",
                    nameof(labels));
        return (chosen.ToArray(), extra.ToArray());
    }

    /// <summary>A reproducible permutation of 0 … n−1 (Fisher–Yates with .NET's seeded generator, stable across platforms).</summary>
    public static int[] Permutation(int n, int seed)
    {
        var p = Enumerable.Range(0, n).ToArray();
        var rng = new Random(seed);
        for (int i = n - 1; i > 0; i--)
        {
            int j = rng.Next(i + 1);
            (p[i], p[j]) = (p[j], p[i]);
        }
        return p;
    }
}
