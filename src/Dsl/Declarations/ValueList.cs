using System.Collections;
using System.Collections.Generic;
using System.Linq;

namespace ViTDsl;

/// <summary>
/// An immutable list with value equality, so records holding sequences (sweep axes, cooldown durations) stay
/// values: two declarations with equal elements are equal, and the generator's pipeline can cache them.
/// Build one with <c>ValueList.Of(…)</c>.
/// </summary>
public sealed class ValueList<T> : IReadOnlyList<T>, System.IEquatable<ValueList<T>>
{
    private readonly T[] items;

    public ValueList(IEnumerable<T> items) => this.items = items.ToArray();

    public static ValueList<T> Empty { get; } = new(System.Array.Empty<T>());

    public T this[int index] => items[index];
    public int Count => items.Length;
    public IEnumerator<T> GetEnumerator() => ((IEnumerable<T>)items).GetEnumerator();
    IEnumerator IEnumerable.GetEnumerator() => items.GetEnumerator();

    public bool Equals(ValueList<T>? other) => other is not null && items.SequenceEqual(other.items);
    public override bool Equals(object? obj) => obj is ValueList<T> other && Equals(other);
    public override int GetHashCode() => items.Aggregate(17, (h, x) => h * 31 + (x is null ? 0 : EqualityComparer<T>.Default.GetHashCode(x)));
    public override string ToString() => "[" + string.Join(", ", items) + "]";
}

public static class ValueList
{
    public static ValueList<T> Of<T>(params T[] items) => new(items);
}
