using FsCheck;
using FsCheck.Xunit;
using ViTDsl.Runtime.Data;

namespace ViTDsl.Tests.Data;

public class NestedSubsetTests
{
    // A balanced label list: `perClass` images of each of `classes` classes, in a scrambled file order.
    private static int[] Labels(int classes, int perClass) =>
        Enumerable.Range(0, classes * perClass).OrderBy(i => (uint)i * 2654435761u).Select(i => i % classes).ToArray();

    [Property(MaxTest = 100)]
    public bool A_smaller_subset_is_contained_in_a_larger_one(PositiveInt k, PositiveInt per, PositiveInt a, PositiveInt b, long seed)
    {
        int classes = k.Get % 12 + 1;
        var labels = Labels(classes, per.Get % 40 + 1);
        int small = a.Get % labels.Length + 1, large = b.Get % labels.Length + 1;
        if (small > large) (small, large) = (large, small);
        var s = NestedSubset.Take(labels, classes, small, seed);
        var l = NestedSubset.Take(labels, classes, large, seed);
        return s.All(new HashSet<int>(l).Contains) && s.Distinct().Count() == small;
    }

    [Property(MaxTest = 100)]
    public bool Subsets_are_class_balanced(PositiveInt k, PositiveInt per, PositiveInt n, long seed)
    {
        int classes = k.Get % 12 + 1;
        var labels = Labels(classes, per.Get % 40 + 1);
        var subset = NestedSubset.Take(labels, classes, n.Get % labels.Length + 1, seed);
        var counts = new int[classes];
        foreach (int i in subset) counts[labels[i]]++;
        return counts.Max() - counts.Min() <= 1;
    }

    [Property(MaxTest = 50)]
    public bool Subsets_are_deterministic_per_seed(PositiveInt n, long seed)
    {
        var labels = Labels(10, 30);
        int count = n.Get % labels.Length + 1;
        return NestedSubset.Take(labels, 10, count, seed).SequenceEqual(NestedSubset.Take(labels, 10, count, seed));
    }

    [Fact]
    public void Different_seeds_pick_different_images()
    {
        var labels = Labels(10, 100);
        Assert.NotEqual(NestedSubset.Take(labels, 10, 100, 1), NestedSubset.Take(labels, 10, 100, 2));
    }

    [Fact]
    public void On_fashion_mnist_a_1000_image_subset_has_100_per_class()
    {
        var train = FashionMnist.Loaded.Train;
        var subset = NestedSubset.Take(train.Labels, train.Classes, 1000, seed: 0);
        Assert.All(Enumerable.Range(0, 10), c => Assert.Equal(100, subset.Count(i => train.Labels[i] == c)));
    }

    [Fact]
    public void Asking_for_more_images_than_exist_says_the_limit()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => NestedSubset.Take(Labels(2, 5), 2, 11, 0));
        Assert.Contains("between 1 and 10", e.Message);
    }
}
