using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ViTDsl.Runtime.Optim;

/// <summary>
/// One trainable tensor of a module, with its name, weight-decay group and big_vision layout (null: big_vision holds
/// it as torch does), which decides Adafactor's factoring.
/// </summary>
internal sealed record NamedParameter(string Name, Parameter Value, ParameterGroup Group, ParameterLayout? Layout = null);

/// <summary>
/// A module's trainable parameters split by weight decay (docs/reference.md §3): the classifier kernel, the body
/// kernels, and everything that does not decay. The split is <see cref="DecayRule"/>, the same rule the Dsl's facts use.
/// </summary>
internal sealed class ParameterGroups
{
    public ParameterGroups(IEnumerable<NamedParameter> parameters)
    {
        All = parameters.ToList();
        var duplicate = All.GroupBy(p => p.Name).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
            throw new ArgumentException($"Parameter '{duplicate.Key}' appears twice; each tensor must have one name.", nameof(parameters));
    }

    /// <summary>Every parameter in <c>named_parameters()</c> order.</summary>
    public IReadOnlyList<NamedParameter> All { get; }

    /// <summary>The classifier kernel (<c>head.weight</c>); empty for a module without a <c>head</c> field.</summary>
    public IReadOnlyList<NamedParameter> HeadKernel => Where(ParameterGroup.HeadKernel);

    /// <summary>Every other kernel: weight matrices and convolution filters, the MAP head's included.</summary>
    public IReadOnlyList<NamedParameter> BodyKernels => Where(ParameterGroup.BodyKernel);

    /// <summary>Biases, LayerNorms, position embedding, MAP probe, class token.</summary>
    public IReadOnlyList<NamedParameter> NoDecay => Where(ParameterGroup.NoDecay);

    /// <summary>
    /// The groups of a module's trainable parameters (those with <c>requires_grad</c>), named as
    /// <c>named_parameters()</c> reports them. A generated ViT exposes its groups through this call. Given the
    /// <paramref name="shape"/> the module was built from, each parameter carries big_vision's layout
    /// (<see cref="ParameterShapes"/>); a parameter that the shape does not describe is an error, since its
    /// optimizer state would silently follow another rule.
    /// </summary>
    public static ParameterGroups Of(nn.Module module, Vit? shape = null) => shape is null
        ? new(Trainable(module).Select(np => new NamedParameter(np.name, np.parameter, DecayRule.GroupOf(np.name, (int)np.parameter.dim()))))
        : Of(module, ParameterTable.Of(new Experiment(shape)));

    /// <summary>
    /// The groups and layouts a plan's <see cref="ParameterTable"/> gives the module's trainable parameters. A parameter the
    /// table does not describe is an error, since its optimizer state would silently follow another rule.
    /// </summary>
    public static ParameterGroups Of(nn.Module module, ParameterTable table)
    {
        var rows = table.Rows.ToDictionary(r => r.Name);
        return new(Trainable(module).Select(np =>
        {
            var row = Row(rows, np.name, np.parameter.shape);
            return new NamedParameter(np.name, np.parameter, row.Group, row.Layout);
        }));
    }

    private static IEnumerable<(string name, Parameter parameter)> Trainable(nn.Module module) =>
        module.named_parameters().Where(np => np.parameter.requires_grad);

    private static ParameterRow Row(Dictionary<string, ParameterRow> rows, string name, long[] dims)
    {
        if (!rows.TryGetValue(name, out var expected) || !expected.Dims.SequenceEqual(dims))
            throw new ArgumentException(
                $"Parameter '{name}' [{string.Join(", ", dims)}] is not part of the declared model " +
                $"({(expected is null ? "no such parameter" : $"declared [{string.Join(", ", expected.Dims)}]")}); build the module from the same Vit as the experiment.");
        return expected;
    }

    private IReadOnlyList<NamedParameter> Where(ParameterGroup group) => All.Where(p => p.Group == group).ToList();
}
