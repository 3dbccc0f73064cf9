namespace ViTDsl;

/// <summary>
/// The final linear layer. The paper zero-initialises its kernel; with a sigmoid loss the bias starts at −10 so
/// that the initial predictions are near zero for thousands of classes (paper §3.2).
/// </summary>
/// <param name="Classes">Number of outputs.</param>
public sealed record Classifier(int Classes)
{
    /// <summary>Initialise the kernel with zeros (paper) rather than randomly.</summary>
    public bool ZeroKernel { get; init; } = true;

    /// <summary>Initial value of every bias entry: 0 for softmax, −10 for multi-label sigmoid.</summary>
    public double BiasInit { get; init; }
}
