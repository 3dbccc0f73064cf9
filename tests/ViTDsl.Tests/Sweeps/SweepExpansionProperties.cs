using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace ViTDsl.Tests.Sweeps;

public class SweepExpansionProperties
{
    private static readonly Experiment Baseline = new(Vit.Ti(16) with { Image = 32 });

    [Property(MaxTest = 100)]
    public void A_product_of_axes_has_the_product_of_their_lengths_and_unique_names(PositiveInt a, PositiveInt b, PositiveInt c)
    {
        int[] lengths = [a.Get % 5 + 1, b.Get % 4 + 1, c.Get % 3 + 1];
        var sweep = Sweep.From(Baseline)
            * Axis.Of("depth", (e, d) => e with { Model = e.Model with { Depth = d } }, Enumerable.Range(1, lengths[0]).ToArray())
            * Axis.Of("classes", (e, k) => e with { Model = e.Model with { Classifier = new Classifier(k) } }, Enumerable.Range(2, lengths[1]).ToArray())
            * Axis.Of("image", (e, i) => e with { Model = e.Model with { Image = i } }, Enumerable.Range(1, lengths[2]).Select(i => 16 * i).ToArray());

        var trials = sweep.Trials();
        Assert.Equal(lengths[0] * lengths[1] * lengths[2], trials.Count);
        Assert.Equal(trials.Count, sweep.Count);
        Assert.Equal(trials.Count, trials.Select(t => t.Name).Distinct().Count());

        // Names and values, checked against nested loops written out independently (the last axis varies fastest).
        int index = 0;
        for (int depth = 1; depth <= lengths[0]; depth++)
            for (int classes = 2; classes < 2 + lengths[1]; classes++)
                for (int image = 16; image <= 16 * lengths[2]; image += 16, index++)
                {
                    Assert.Equal($"depth={depth},classes={classes},image={image}", trials[index].Name);
                    Assert.Equal(Baseline.Model with { Depth = depth, Classifier = new Classifier(classes), Image = image }, trials[index].Experiment.Model);
                }
    }

    [Property(MaxTest = 50)]
    public void Zipped_axes_pair_their_points(PositiveInt n)
    {
        int length = n.Get % 6 + 1;
        var depths = Enumerable.Range(1, length).ToArray();
        var zipped = Axis.Zip(
            Axis.Of("depth", (e, d) => e with { Model = e.Model with { Depth = d } }, depths),
            Axis.Of("mlp", (e, m) => e with { Model = e.Model with { Mlp = m } }, depths.Select(d => 10 * d).ToArray()));
        var trials = (Sweep.From(Baseline) * zipped).Trials();
        Assert.Equal(length, trials.Count);
        Assert.All(trials.Select((t, i) => (t, i)), x =>
        {
            Assert.Equal($"depth+mlp={x.i + 1}+{10 * (x.i + 1)}", x.t.Name);
            Assert.Equal(10 * x.t.Experiment.Model.Depth, x.t.Experiment.Model.Mlp);
        });
    }

    [Fact]
    public void Bad_axes_are_refused_with_the_reason()
    {
        Assert.Contains("twice", Assert.Throws<ArgumentException>(() => Axis.Of("m", (e, v) => e with { Model = v }, Vit.Ti(16), Vit.Ti(16))).Message);
        Assert.Contains("equal length", Assert.Throws<ArgumentException>(() => Axis.Zip(
            Axis.Of("a", (e, d) => e, 1, 2), Axis.Of("b", (e, d) => e, 1))).Message);
        var axis = Axis.Of("a", (e, d) => e, 1, 2);
        Assert.Contains("already has an axis", Assert.Throws<ArgumentException>(() => Sweep.From(Baseline) * axis * axis).Message);
    }
}
