namespace ViTDsl.Runtime.Data;

/// <summary>
/// Training subsets for the data axis of a scaling study. One seeded, class-balanced order of all training images
/// is fixed per seed; a subset of n images is its first n. So a smaller subset is contained in a larger one (a
/// study varies only the amount of data, never which images), and each class's share differs by at most one image
/// while every class still has images left.
/// </summary>
internal static class NestedSubset
{
    /// <summary>
    /// The seeded order: each class's images shuffled, then dealt round-robin, one image per class per round, the
    /// class order reshuffled each round so that no class is favoured at the cut.
    /// </summary>
    public static int[] Order(IReadOnlyList<int> labels, int classes, long seed)
    {
        var byClass = new List<int>[classes];
        for (int c = 0; c < classes; c++) byClass[c] = [];
        for (int i = 0; i < labels.Count; i++) byClass[labels[i]].Add(i);
        var shuffled = new int[classes][];
        for (int c = 0; c < classes; c++)
        {
            shuffled[c] = byClass[c].ToArray();
            new DataRandom(seed, DataRandom.Subset, c).Shuffle(shuffled[c]);
        }

        var order = new int[labels.Count];
        var classOrder = new int[classes];
        int filled = 0;
        for (int round = 0; filled < order.Length; round++)
        {
            for (int c = 0; c < classes; c++) classOrder[c] = c;
            new DataRandom(seed, DataRandom.Subset, -1 - round).Shuffle(classOrder);
            foreach (int c in classOrder)
                if (round < shuffled[c].Length) order[filled++] = shuffled[c][round];
        }
        return order;
    }

    /// <summary>The first <paramref name="count"/> images of <see cref="Order"/>; asking for more than exist is an error.</summary>
    public static int[] Take(IReadOnlyList<int> labels, int classes, long count, long seed)
    {
        if (count <= 0 || count > labels.Count)
            throw new ArgumentOutOfRangeException(nameof(count), count,
                $"a training subset of {count} images is impossible with {labels.Count} training images; " +
                $"set Data.TrainImages between 1 and {labels.Count}, or null for all of them.");
        return Order(labels, classes, seed).AsSpan(0, (int)count).ToArray();
    }
}
