using System.Collections.Generic;
using System.Linq;

namespace ViTDsl;

/// <summary>
/// Bytes of optimizer state, by formula over parameter shapes (docs/reference.md §4): Adam 8 B/param (6 with a bfloat16
/// first moment); modified Adafactor 2 B/param of bfloat16 momentum plus float32 factored statistics (row + column
/// for factored tensors, a full float32 second moment for the rest; factoring is decided on big_vision's shape of
/// each parameter, <see cref="ParameterShape.BigVisionDims"/>); SGD 2 B/param of bfloat16 momentum. The runtime
/// optimizers report the bytes of the tensors they really hold; tests keep the two equal. The step counter is
/// not counted.
/// </summary>
public static class OptimizerMemory
{
    public static long StateBytes(Optimizer optimizer, IEnumerable<ParameterShape> shapes) =>
        shapes.Sum(s => TensorStateBytes(optimizer, s.BigVisionDims));

    /// <summary>Optimizer-state bytes of a whole model.</summary>
    public static long StateBytes(Optimizer optimizer, Vit model) => StateBytes(optimizer, ParameterShapes.Of(model));

    /// <summary>State bytes kept for one parameter tensor of the given shape.</summary>
    public static long TensorStateBytes(Optimizer optimizer, IReadOnlyList<long> shape)
    {
        var n = shape.Aggregate(1L, (p, d) => p * d);
        switch (optimizer)
        {
            case Optimizer.Adam a:
                return n * (a.FirstMoment.Bytes() + StateDtype.F32.Bytes());
            case Optimizer.Adafactor f:
                var momentum = f.Momentum is null ? 0 : n * f.MomentumDtype.Bytes();
                var axes = AdafactorMath.Factoring(f, shape);
                var second = axes is null ? n : axes.RowElements(shape) + axes.ColumnElements(shape);
                return momentum + second * StateDtype.F32.Bytes();
            case Optimizer.Sgd s:
                return s.Momentum == 0 ? 0 : n * s.MomentumDtype.Bytes();
            default:
                throw new System.InvalidOperationException("unreachable: Optimizer is closed");
        }
    }
}
