using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;

namespace ViTDsl.Generators.Emit;

/// <summary>
/// Emits a plan's parameter table (<see cref="ParameterTable"/>) as literal rows, so the generated file shows each
/// tensor's decay group, decay, optimizer state and big_vision name; one encoder block's rows stand for all blocks.
/// </summary>
internal static class ParameterTableEmitter
{
    public static void Emit(StringBuilder code, Experiment experiment)
    {
        var table = ParameterTable.Of(experiment);
        code.Append("""

        /// <summary>
        /// Each parameter tensor of the model as this declaration fixes it (the Dsl's <c>ParameterTable</c>): state_dict and
        /// big_vision names, torch shape, big_vision layout (the shape Adafactor factors on), decay group and decay in units of
        /// the learning rate (only kernels decay; the classifier kernel at the head's rate), and optimizer state (momentum type,
        /// float32 second moment, factored axes, bytes). Rows named with {i} stand for every encoder block. Training updates
        /// the model by this table.
        /// </summary>
        public static global::ViTDsl.ParameterTable Parameters { get; } = global::ViTDsl.ParameterTable.Expand(Declaration, new global::ViTDsl.ParameterRow[]
        {

""");
        foreach (var row in table.Template()) code.AppendLine("            " + Row(row) + ",");
        code.AppendLine("        });");
    }

    private static string Row(ParameterRow r) =>
        $"new({SourceText.Print(r.Name)}, {SourceText.Print(r.BigVisionName)}, {Longs(r.Dims)}, " +
        $"new({Longs(r.Layout.View)}, {Ints(r.Layout.Permutation)}), global::ViTDsl.ParameterGroup.{r.Group}, {SourceText.Print(r.Decay)}, " +
        $"new({(r.State.Momentum is { } m ? "global::ViTDsl.StateDtype." + m : "null")}, {(r.State.SecondMoment ? "true" : "false")}, " +
        $"{(r.State.FactoredOver is { } f ? $"new({f.Largest}, {f.SecondLargest})" : "null")}, {r.State.Bytes.ToString(CultureInfo.InvariantCulture)}L))";

    private static string Longs(IEnumerable<long> values) =>
        "global::ViTDsl.ValueList.Of<long>(" + string.Join(", ", values.Select(v => v.ToString(CultureInfo.InvariantCulture))) + ")";

    private static string Ints(IEnumerable<int> values) =>
        "global::ViTDsl.ValueList.Of<int>(" + string.Join(", ", values.Select(v => v.ToString(CultureInfo.InvariantCulture))) + ")";
}
