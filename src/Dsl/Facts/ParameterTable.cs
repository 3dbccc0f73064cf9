using System.Collections.Generic;
using System.Linq;

namespace ViTDsl;

/// <summary>
/// What an experiment fixes for each parameter tensor of its model before any model exists: its weight-decay group and
/// decay (big_vision's semantics, docs/reference.md §3: only kernels decay, the classifier kernel with the head's rate —
/// ×100 the body's in the paper), the optimizer state it gets and its big_vision name. The generator prints this table
/// into each plan; the trainer updates the model's tensors by it.
/// </summary>
/// <param name="Model">The shape the table describes.</param>
/// <param name="Optimizer">The optimizer whose state it lays out.</param>
/// <param name="WeightDecay">The decay it splits.</param>
/// <param name="Rows">One row per parameter tensor, in <see cref="ParameterShapes"/> order.</param>
public sealed record ParameterTable(Vit Model, Optimizer Optimizer, WeightDecay WeightDecay, ValueList<ParameterRow> Rows)
{
    /// <summary>The table of an experiment, from the one description of its model (<see cref="VitParts"/>).</summary>
    public static ParameterTable Of(Experiment experiment) => new(experiment.Model, experiment.Optimizer, experiment.WeightDecay,
        new ValueList<ParameterRow>(ParameterShapes.Of(experiment.Model).Select(s => ParameterRow.Of(s, experiment.Optimizer, experiment.WeightDecay))));

    /// <summary>
    /// The table a plan prints: rows whose names hold <c>{i}</c> are one encoder block's, written once and repeated
    /// here for each block index 0 … Depth − 1 in place (blocks are identical but for their index).
    /// </summary>
    public static ParameterTable Expand(Experiment experiment, IReadOnlyList<ParameterRow> rows)
    {
        var expanded = new List<ParameterRow>();
        for (var start = 0; start < rows.Count;)
        {
            var end = start;
            while (end < rows.Count && rows[end].IsPerBlock) end++;
            if (end == start) { expanded.Add(rows[start++]); continue; }
            for (var block = 0; block < experiment.Model.Depth; block++)
                for (var r = start; r < end; r++) expanded.Add(rows[r].ForBlock(block));
            start = end;
        }
        return new(experiment.Model, experiment.Optimizer, experiment.WeightDecay, new ValueList<ParameterRow>(expanded));
    }

    /// <summary>The rows as a plan prints them: block 0's rows with <c>{i}</c> for the index, the other blocks' left out.</summary>
    public IEnumerable<ParameterRow> Template() => Rows
        .Where(r => !IsInBlock(r.Name, out var block) || block == 0)
        .Select(r => IsInBlock(r.Name, out _) ? r with
        {
            Name = BlockPrefix + "{i}" + r.Name.Substring(r.Name.IndexOf('.', BlockPrefix.Length)),
            BigVisionName = r.BigVisionName.Replace(BigVisionBlockPrefix + "0/", BigVisionBlockPrefix + "{i}/"),
        } : r);

    private const string BlockPrefix = VitParts.Blocks + ".", BigVisionBlockPrefix = "Transformer/encoderblock_";

    private static bool IsInBlock(string name, out int block)
    {
        block = -1;
        if (!name.StartsWith(BlockPrefix, System.StringComparison.Ordinal)) return false;
        var dot = name.IndexOf('.', BlockPrefix.Length);
        return dot > 0 && int.TryParse(name.Substring(BlockPrefix.Length, dot - BlockPrefix.Length), out block);
    }

    /// <summary>Whether this table was made for <paramref name="experiment"/>'s model, optimizer and decay.</summary>
    public bool Describes(Experiment experiment) =>
        Model.Equals(experiment.Model) && Optimizer.Equals(experiment.Optimizer) && WeightDecay.Equals(experiment.WeightDecay);
}

/// <summary>One parameter tensor of a plan.</summary>
/// <param name="Name">Its state_dict name (<c>blocks.0.mlp.expand.weight</c>).</param>
/// <param name="BigVisionName">big_vision's name (<c>Transformer/encoderblock_0/MlpBlock_0/Dense_0/kernel</c>).</param>
/// <param name="Dims">Its torch shape.</param>
/// <param name="Layout">How big_vision holds it (the shape Adafactor factors on).</param>
/// <param name="Group">Its decay group.</param>
/// <param name="Decay">Its decoupled decay in units of the base learning rate (<see cref="WeightDecay.Coefficient"/> at lr 1).</param>
/// <param name="State">The optimizer state it gets.</param>
public sealed record ParameterRow(
    string Name, string BigVisionName, ValueList<long> Dims, ParameterLayout Layout, ParameterGroup Group, double Decay, OptimizerState State)
{
    /// <summary>Whether this row stands for every encoder block (its names hold <c>{i}</c>).</summary>
    public bool IsPerBlock => Name.Contains("{i}");

    /// <summary>This per-block row for block <paramref name="index"/>.</summary>
    public ParameterRow ForBlock(int index) => this with
    {
        Name = Name.Replace("{i}", index.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        BigVisionName = BigVisionName.Replace("{i}", index.ToString(System.Globalization.CultureInfo.InvariantCulture)),
    };

    public static ParameterRow Of(ParameterShape shape, Optimizer optimizer, WeightDecay decay)
    {
        var group = shape.Group;
        return new(shape.Name, shape.BigVisionName, shape.Dims, shape.Layout, group, decay.Coefficient(group, 1.0), OptimizerState.Of(optimizer, shape.BigVisionDims));
    }
}

/// <summary>
/// The optimizer state of one tensor (docs/reference.md §4): its momentum's type (Adafactor's and SGD's momentum, Adam's
/// first moment; null: none), and its second moment — none (SGD), full float32, or Adafactor's float32 row and column
/// statistics over the axes <see cref="FactoredOver"/> of big_vision's shape.
/// </summary>
/// <param name="Momentum">The momentum (first moment) type, or null for none.</param>
/// <param name="SecondMoment">Whether a float32 second moment is kept.</param>
/// <param name="FactoredOver">Adafactor's factored axes (largest, second largest) of the big_vision shape; null: not factored.</param>
/// <param name="Bytes">Bytes of state (<see cref="OptimizerMemory.TensorStateBytes"/>).</param>
public sealed record OptimizerState(StateDtype? Momentum, bool SecondMoment, FactoredAxes? FactoredOver, long Bytes)
{
    public static OptimizerState Of(Optimizer optimizer, IReadOnlyList<long> bigVisionDims)
    {
        var bytes = OptimizerMemory.TensorStateBytes(optimizer, bigVisionDims);
        return optimizer switch
        {
            Optimizer.Adafactor f => new(f.Momentum is null ? null : f.MomentumDtype, true, AdafactorMath.Factoring(f, bigVisionDims), bytes),
            Optimizer.Adam a => new(a.FirstMoment, true, null, bytes),
            Optimizer.Sgd s => new(s.Momentum == 0 ? null : s.MomentumDtype, false, null, bytes),
            _ => throw new System.InvalidOperationException("unreachable: Optimizer is closed"),
        };
    }
}
