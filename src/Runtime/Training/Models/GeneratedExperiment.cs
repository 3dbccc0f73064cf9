using static TorchSharp.torch;

namespace ViTDsl.Runtime.Models;

/// <summary>One declared experiment as the generator emitted it: its name, value, facts and model factory.</summary>
/// <param name="Name">The declaration's property name.</param>
/// <param name="DeclaredIn">The [Experiments] class that declares it.</param>
/// <param name="Declaration">The evaluated declaration.</param>
/// <param name="Facts">Compile-time facts.</param>
/// <param name="BuildModel">Builds the generated module on a device (null: the default CPU) in a precision.</param>
public sealed record GeneratedExperiment(
    string Name, string DeclaredIn, Experiment Declaration, PlanFacts Facts, Func<Device?, Precision, VitModule> BuildModel)
{
    /// <summary>
    /// The generated module in the declaration's precision, so a variant made with
    /// <c>with { Declaration = … with { Precision = … } }</c> builds the model it declares, rematerialising what its
    /// execution declares.
    /// </summary>
    public VitModule CreateModel(Device? device)
    {
        if (!Declaration.Precision.IsResolved())
            throw new InvalidOperationException(
                $"{Name} declares Precision.{Declaration.Precision}, which is decided where it trains: resolve it first (Trainer.Run and `sweep` do).");
        var model = BuildModel(device, Declaration.Precision);
        model.Rematerialisation = Declaration.ExecutionOf().Rematerialisation;
        return model;
    }

    /// <summary>
    /// This experiment in <paramref name="precision"/> where it declares <see cref="Precision.Auto"/>; unchanged where it
    /// declares a precision itself.
    /// </summary>
    public GeneratedExperiment Resolved(Precision precision) =>
        Declaration.Precision == Precision.Auto && precision.IsResolved() ? this with { Declaration = Declaration with { Precision = precision } } : this;

    /// <summary>The parameter table the generator printed into the plan (null for sweep trials, which have no plan).</summary>
    public ParameterTable? PlannedParameters { get; init; }

    /// <summary>
    /// Each parameter's decay group, layout and optimizer state for this declaration: the plan's table, or, for a trial or
    /// a variant whose model, optimizer or decay differ from the plan's, the same Dsl derivation made now.
    /// </summary>
    public ParameterTable Parameters => PlannedParameters is { } planned && planned.Describes(Declaration) ? planned : ParameterTable.Of(Declaration);
}
