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
    /// <c>with { Declaration = … with { Precision = … } }</c> builds the model it declares.
    /// </summary>
    public VitModule CreateModel(Device? device) => Declaration.Precision.IsResolved()
        ? BuildModel(device, Declaration.Precision)
        : throw new InvalidOperationException(
            $"{Name} declares Precision.{Declaration.Precision}, which is decided where it trains: resolve it first (Trainer.Run and `sweep` do).");

    /// <summary>
    /// This experiment in <paramref name="precision"/> where it declares <see cref="Precision.Auto"/>; unchanged where it
    /// declares a precision itself.
    /// </summary>
    public GeneratedExperiment Resolved(Precision precision) =>
        Declaration.Precision == Precision.Auto && precision.IsResolved() ? this with { Declaration = Declaration with { Precision = precision } } : this;
}
