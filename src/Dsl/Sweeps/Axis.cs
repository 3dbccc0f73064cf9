using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace ViTDsl;

/// <summary>One labelled way to vary an experiment: a point on an <see cref="Axis"/>.</summary>
/// <param name="Label">Short, stable label used in trial names ("Ti", "5000").</param>
/// <param name="Apply">Sets the point's value on an experiment.</param>
public sealed record AxisPoint(string Label, Func<Experiment, Experiment> Apply);

/// <summary>
/// A named list of variations of an experiment, e.g. model sizes or training-set sizes. Axes combine into a
/// <see cref="Sweep"/> by cartesian product (<c>*</c>) or pairwise (<see cref="Zip"/>).
/// </summary>
public sealed record Axis(string Name, ValueList<AxisPoint> Points)
{
    /// <summary>
    /// An axis over any field: <c>Axis.Of("model", (e, m) => e with { Model = m }, Vit.Ti(7), Vit.S(7))</c>.
    /// Labels are the values' short names (a ViT's variant, a number as written).
    /// </summary>
    public static Axis Of<T>(string name, Func<Experiment, T, Experiment> set, params T[] values)
    {
        if (values.Length == 0) throw new ArgumentException($"Axis '{name}' has no values; give it at least one.", nameof(values));
        var points = values.Select(v => new AxisPoint(Label(v), e => set(e, v))).ToList();
        var duplicate = points.GroupBy(p => p.Label).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
            throw new ArgumentException($"Axis '{name}' has the label '{duplicate.Key}' twice; trial names must be unique, so give distinct values (or variants).", nameof(values));
        return new Axis(name, new ValueList<AxisPoint>(points));
    }

    /// <summary>
    /// An axis of named variations, each changing whatever it needs:
    /// <c>Axis.Named("variant", new AxisPoint("paper", e => e), new AxisPoint("gap", e => e with { Model = e.Model with { Pool = new Pool.Gap() } }))</c>.
    /// </summary>
    public static Axis Named(string name, params AxisPoint[] points)
    {
        if (points.Length == 0) throw new ArgumentException($"Axis '{name}' has no points; give it at least one.", nameof(points));
        var duplicate = points.GroupBy(p => p.Label).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
            throw new ArgumentException($"Axis '{name}' has the label '{duplicate.Key}' twice; trial names must be unique, so give each point its own label.", nameof(points));
        return new Axis(name, new ValueList<AxisPoint>(points));
    }

    /// <summary>Pairs the i-th points of axes of equal length into one axis (F#'s List.zip).</summary>
    public static Axis Zip(params Axis[] axes)
    {
        if (axes.Length == 0) throw new ArgumentException("Zip needs at least one axis.", nameof(axes));
        var length = axes[0].Points.Count;
        var mismatched = axes.FirstOrDefault(a => a.Points.Count != length);
        if (mismatched is not null)
            throw new ArgumentException($"Zip needs axes of equal length, but '{axes[0].Name}' has {length} points and '{mismatched.Name}' {mismatched.Points.Count}.", nameof(axes));
        var points = Enumerable.Range(0, length).Select(i => new AxisPoint(
            string.Join("+", axes.Select(a => a.Points[i].Label)),
            e => axes.Aggregate(e, (acc, a) => a.Points[i].Apply(acc))));
        return new Axis(string.Join("+", axes.Select(a => a.Name)), new ValueList<AxisPoint>(points));
    }

    private static string Label(object? value) => value switch
    {
        Vit vit => vit.Variant,
        IFormattable number => number.ToString(null, CultureInfo.InvariantCulture),
        null => "null",
        _ => value.ToString() ?? "",
    };
}
