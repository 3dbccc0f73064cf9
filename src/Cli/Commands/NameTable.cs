namespace ViTDsl.Cli;

/// <summary>
/// One concept's command-line names and the values they stand for, defined once: the option's parser
/// (<see cref="TypedOption.Of{T}"/>), its help and the printing of a value (a <see cref="Choice{T}"/> keeps its name)
/// all read this table. Names are matched case-insensitively.
/// </summary>
internal sealed class NameTable<T>
{
    private readonly IReadOnlyList<(string Name, T Value)> entries;

    /// <param name="concept">What a name names, for messages: "a law form", "a precision".</param>
    public NameTable(string concept, IEnumerable<(string Name, T Value)> entries)
    {
        Concept = concept;
        this.entries = entries.ToList();
    }

    public string Concept { get; }

    public IReadOnlyList<string> Names => entries.Select(e => e.Name).ToList();

    /// <summary>The names as running text: "power, floor, saturating, m4 or all".</summary>
    public string Choices => TypedOption.Choices(Names);

    /// <summary>The value of <paramref name="name"/>; an unknown name throws <see cref="ArgumentException"/> listing the names.</summary>
    public T this[string name] => TryGet(name, out var value) ? value : throw new ArgumentException($"'{name}' is not {Concept}; use {Choices}");

    /// <summary>Whether <paramref name="name"/> is in the table, and its value.</summary>
    public bool TryGet(string name, out T value)
    {
        var found = entries.FirstOrDefault(e => string.Equals(e.Name, name.Trim(), StringComparison.OrdinalIgnoreCase));
        value = found.Value;
        return found.Name is not null;
    }
}
