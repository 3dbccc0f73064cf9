namespace ViTDsl.Runtime.Analysis;

/// <summary>Confidence intervals of a fitted law: for its constants and for its prediction at any x.</summary>
internal interface IFitIntervals
{
    /// <summary>Nominal coverage, e.g. 0.95.</summary>
    double Level { get; }

    /// <summary>How the intervals were computed, for reports: "delta-method", "residual-bootstrap".</summary>
    string Method { get; }

    /// <summary>Interval of constant <paramref name="index"/> (into <see cref="ScalingLaw.Values"/>).</summary>
    Interval Parameter(int index);

    /// <summary>Interval of the predicted error at <paramref name="x"/>.</summary>
    Interval PredictionAt(double x);
}
