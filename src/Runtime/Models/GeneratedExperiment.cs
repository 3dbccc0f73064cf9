using static TorchSharp.torch;

namespace ViTDsl.Runtime.Models;

/// <summary>One declared experiment as the generator emitted it: its name, value, facts and model factory.</summary>
/// <param name="Name">The declaration's property name.</param>
/// <param name="DeclaredIn">The [Experiments] class that declares it.</param>
/// <param name="Declaration">The evaluated declaration.</param>
/// <param name="Facts">Compile-time facts.</param>
/// <param name="CreateModel">Builds the generated module on a device (null: the default CPU).</param>
public sealed record GeneratedExperiment(
    string Name, string DeclaredIn, Experiment Declaration, PlanFacts Facts, Func<Device?, VitModule> CreateModel);
