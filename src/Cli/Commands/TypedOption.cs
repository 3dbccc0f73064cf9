using System.CommandLine;
using System.CommandLine.Parsing;

namespace ViTDsl.Cli;

/// <summary>A value given on the command line, with the text that named it: help shows a default by that text.</summary>
internal sealed record Choice<T>(string Name, T Value)
{
    public override string ToString() => Name;
}

/// <summary>A list given on the command line (comma-separated or repeated), with the text that named it.</summary>
internal sealed record ChoiceList<T>(string Text, IReadOnlyList<T> Items)
{
    public override string ToString() => Text;
}

/// <summary>
/// Options whose values are parsed, not strings checked later: an invalid value is a parse error that lists the valid
/// ones (exit code 2, nothing started). Lists are comma-separated (<c>--shapes B/16,g/14</c>) or repeated, parsed by
/// one list parser.
/// </summary>
internal static class TypedOption
{
    /// <summary>An option that takes one name of <paramref name="table"/>.</summary>
    public static Option<Choice<T>> Of<T>(string name, NameTable<T> table, string defaultName, string description) =>
        Parsed(name, text => table[text], string.Join('|', table.Names), description, defaultName);

    /// <summary>
    /// An option whose token <paramref name="parse"/> turns into a value; it throws <see cref="ArgumentException"/>,
    /// with the valid values, for an invalid one. <paramref name="defaultText"/> (parsed the same way) applies when the
    /// option is not given; without it the option's value is then null.
    /// </summary>
    public static Option<Choice<T>> Parsed<T>(string name, Func<string, T> parse, string helpName, string description, string? defaultText = null) =>
        Parsed(name, (_, text) => parse(text), helpName, description, defaultText);

    /// <summary>As above, with a parser that may read other options' values from the parse (e.g. a shape at <c>--image</c>).</summary>
    public static Option<Choice<T>> Parsed<T>(string name, Func<ArgumentResult, string, T> parse, string helpName, string description, string? defaultText = null)
    {
        Choice<T>? Read(ArgumentResult result, string? text) => text is null ? null : new Choice<T>(text.Trim(), Parse(result, text, parse));
        var option = new Option<Choice<T>>(name)
        {
            Description = description,
            HelpName = helpName,
            CustomParser = result => Read(result, result.Tokens.Count == 0 ? defaultText : result.Tokens[^1].Value),
        };
        if (defaultText is not null) option.DefaultValueFactory = result => Read(result, defaultText)!;
        return option;
    }

    /// <summary>An option that takes a list, comma-separated or repeated, each item parsed by <paramref name="parseOne"/>.</summary>
    public static Option<ChoiceList<T>> List<T>(string name, Func<string, T> parseOne, string helpName, string description, string? defaultText = null) =>
        List(name, (_, text) => parseOne(text), helpName, description, defaultText);

    /// <summary>As above, with an item parser that may read other options' values from the parse.</summary>
    public static Option<ChoiceList<T>> List<T>(string name, Func<ArgumentResult, string, T> parseOne, string helpName, string description, string? defaultText = null)
    {
        ChoiceList<T> Read(ArgumentResult result, IEnumerable<string> texts)
        {
            var items = texts.SelectMany(t => t.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToList();
            return new ChoiceList<T>(string.Join(',', items), items.Select(item => Parse(result, item, parseOne)).ToList());
        }
        var option = new Option<ChoiceList<T>>(name)
        {
            Description = description,
            HelpName = helpName,
            Arity = ArgumentArity.OneOrMore, // repeated, as well as comma-separated
            CustomParser = result => Read(result, result.Tokens.Count == 0 ? [defaultText ?? ""] : result.Tokens.Select(t => t.Value)),
        };
        if (defaultText is not null) option.DefaultValueFactory = result => Read(result, [defaultText]);
        return option;
    }

    /// <summary>Names as running text: "a, b or c".</summary>
    public static string Choices(IReadOnlyList<string> names) =>
        names.Count <= 1 ? string.Join("", names) : $"{string.Join(", ", names.Take(names.Count - 1))} or {names[^1]}";

    private static T Parse<T>(ArgumentResult result, string text, Func<ArgumentResult, string, T> parse)
    {
        try
        {
            return parse(result, text);
        }
        catch (ArgumentException e)
        {
            // The message names the valid values; an ArgumentException's own "(Parameter 'x')" suffix is noise here.
            var message = e.ParamName is null ? e.Message : e.Message.Replace($" (Parameter '{e.ParamName}')", "");
            result.AddError($"{(result.Parent is OptionResult o ? o.Option.Name : "value")}: {message}");
            return default!;
        }
    }
}
