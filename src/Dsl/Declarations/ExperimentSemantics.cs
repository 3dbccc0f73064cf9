namespace ViTDsl;

/// <summary>What an experiment's fields mean together.</summary>
internal static class ExperimentSemantics
{
    /// <summary>
    /// The model as it is built: the declared shape with the classifier bias the loss asks for (−10 for sigmoid)
    /// unless the declaration chose one. Generated modules are built from this value.
    /// </summary>
    public static Vit BuiltModel(this Experiment experiment) => experiment.Model with
    {
        Classifier = experiment.Model.Classifier with { BiasInit = experiment.Loss.HeadBiasInit(experiment.Model.Classifier) },
    };

    /// <summary>How each device runs this experiment's steps: the declared execution, else the device's own.</summary>
    public static Execution ExecutionOf(this Experiment experiment) => experiment.Execution ?? experiment.Device.Execution;
}
