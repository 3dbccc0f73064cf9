namespace ViTDsl.Tests.Data;

// A class subset of a data set (the upstream of a new-classes transfer and its target) is checked where the
// declaration alone can say: distinct classes the data set has, at least two, one level of subsetting.
public class ClassSubsetRulesTests
{
    private static readonly DataSet.FashionMnist Fashion = new();

    private static IReadOnlyList<Problem> Check(DataSet set) => DataRules.Check(new ViTDsl.Data(set));

    [Fact]
    public void Six_fashion_classes_are_valid_and_their_held_out_classes_are_the_other_four_in_order()
    {
        var upstream = new DataSet.ClassSubset(Fashion, ValueList.Of(0, 1, 2, 3, 4, 5));
        Assert.Empty(Check(upstream));
        var heldOut = upstream.HeldOut();
        Assert.Equal(new DataSet.ClassSubset(Fashion, ValueList.Of(6, 7, 8, 9)), heldOut);
        Assert.Equal((6, 4), (DataSet.KnownClasses(upstream), DataSet.KnownClasses(heldOut)));
        Assert.Equal("fashion_mnist_classes_6_7_8_9", FewShot.TargetName(heldOut));
        Assert.Equal("fashion-mnist[classes 6,7,8,9]", heldOut.ToString());
        Assert.Equal(Fashion, DataSet.Files(heldOut));
    }

    [Theory]
    [InlineData(new[] { 6, 7, 10 }, "lists class 10, but fashion-mnist has classes 0…9")]
    [InlineData(new[] { -1, 3 }, "lists class -1, but fashion-mnist has classes 0…9")]
    [InlineData(new[] { 2, 3, 2 }, "lists class 2 more than once")]
    [InlineData(new[] { 4 }, "keeps 1 class of fashion-mnist; a classifier needs at least 2")]
    public void An_invalid_class_list_is_one_problem_naming_the_class_and_the_fix(int[] classes, string message)
    {
        var problem = Assert.Single(Check(new DataSet.ClassSubset(Fashion, new ValueList<int>(classes))));
        Assert.Equal(DiagnosticKinds.BadClassSubset.Id, problem.Id);
        Assert.Contains(message, problem.Message);
    }

    [Fact]
    public void A_synthetic_sets_own_class_count_bounds_the_list_and_idx_files_are_checked_only_when_read()
    {
        var synthetic = new DataSet.Synthetic(100, 20, Classes: 4);
        Assert.Empty(Check(new DataSet.ClassSubset(synthetic, ValueList.Of(3, 0))));
        Assert.Contains("lists class 4, but synthetic", Assert.Single(Check(new DataSet.ClassSubset(synthetic, ValueList.Of(3, 4)))).Message);
        var idx = new DataSet.Idx("a/train-images", "a/train-labels", "a/test-images", "a/test-labels");
        Assert.Empty(Check(new DataSet.ClassSubset(idx, ValueList.Of(7, 12))));
        Assert.Throws<InvalidOperationException>(() => new DataSet.ClassSubset(idx, ValueList.Of(7, 12)).HeldOut());
    }

    [Fact]
    public void A_subset_of_a_subset_and_a_missing_data_set_are_refused_with_the_fix()
    {
        var nested = new DataSet.ClassSubset(new DataSet.ClassSubset(Fashion, ValueList.Of(0, 1, 2)), ValueList.Of(0, 1));
        Assert.Contains("subset the underlying data set once", Assert.Single(Check(nested)).Message);
        var missing = Assert.Single(Check(new DataSet.ClassSubset(null!, ValueList.Of(0, 1))));
        Assert.Equal((DiagnosticKinds.BadPath.Id, true), (missing.Id, missing.Message.Contains("ClassSubset.Of is null")));
    }

    [Fact]
    public void A_few_shot_target_with_an_invalid_class_list_is_a_few_shot_problem()
    {
        var experiment = new Experiment(Vit.Ti(16) with { Image = 28, Patch = 7, Channels = 1 })
        {
            FewShot = new FewShot { DataSets = ValueList.Of<DataSet>(new DataSet.ClassSubset(new DataSet.MnistDigits(), ValueList.Of(8, 9, 9))) },
        };
        var problem = Assert.Single(FewShotRules.Check(experiment));
        Assert.Equal(DiagnosticKinds.BadFewShot.Id, problem.Id);
        Assert.Contains("Few-shot target mnist_digits_classes_8_9_9: ClassSubset lists class 9 more than once", problem.Message);
    }
}
