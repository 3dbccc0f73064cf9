namespace ViTDsl.Runtime.Analysis;

/// <summary>
/// What a figure draws for a fitted curve: the default fit's prediction (<see cref="Selection"/>) when there is one,
/// otherwise the law alone; its band where one exists, none where a law in it is not identified (which the legend says).
/// </summary>
internal sealed record DrawnPrediction(Func<double, double> Predict, Func<double, Interval?>? BandAt, bool NotIdentified)
{
    public static DrawnPrediction Of(Selection? selection, LawAnalysis law)
    {
        if (selection is not null)
        {
            bool unbanded = selection.Unbanded.Any();
            return new(selection.Predict, unbanded ? null : selection.BandAt, unbanded);
        }
        return new(law.Fit.Law.Predict, law.Intervals is { } own ? x => own.PredictionAt(x) : null, !law.Identification.Identified);
    }
}
