namespace ViTDsl.Runtime.Data;

/// <summary>
/// Where the training stream stands: the next sample is number <see cref="Index"/> of epoch <see cref="Epoch"/>'s
/// shuffled order. Save it in a checkpoint and start a new loader from it to see exactly the same next batches.
/// </summary>
internal readonly record struct DataPosition(long Epoch, long Index)
{
    public static DataPosition Start => default;

    /// <summary>The position after one more sample of an epoch of <paramref name="epochSize"/> samples.</summary>
    public DataPosition Advance(long epochSize) => Index + 1 >= epochSize ? new(Epoch + 1, 0) : new(Epoch, Index + 1);

    public override string ToString() => $"epoch {Epoch}, index {Index}";
}
