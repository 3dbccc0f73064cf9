using System;
using System.Collections;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;

namespace ViTDsl.Generators.Pipeline;

/// <summary>An immutable array with value equality, so pipeline models compare by content and steps stay cached.</summary>
internal readonly struct EquatableArray<T>(ImmutableArray<T> items) : IEquatable<EquatableArray<T>>, IEnumerable<T>
{
    private readonly ImmutableArray<T> items = items;

    public ImmutableArray<T> Items => items.IsDefault ? ImmutableArray<T>.Empty : items;
    public int Length => Items.Length;
    public T this[int index] => Items[index];

    public bool Equals(EquatableArray<T> other) => Items.SequenceEqual(other.Items, EqualityComparer<T>.Default);
    public override bool Equals(object? obj) => obj is EquatableArray<T> other && Equals(other);
    public override int GetHashCode() => Items.Aggregate(19, (h, x) => h * 31 + (x is null ? 0 : EqualityComparer<T>.Default.GetHashCode(x)));
    public IEnumerator<T> GetEnumerator() => ((IEnumerable<T>)Items).GetEnumerator();
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}

internal static class EquatableArray
{
    public static EquatableArray<T> ToEquatableArray<T>(this IEnumerable<T> items) => new(items.ToImmutableArray());
}
