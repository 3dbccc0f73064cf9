using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Reflection;
using System.Text;

namespace ViTDsl;

/// <summary>
/// A Dsl value written as the C# expression that rebuilds it exactly. The generator emits it into plans (the
/// declaration as evaluated at build time); the runtime uses it as a value's canonical text (run keys, records).
/// </summary>
internal static class SourceText
{
    private const int LineWidth = 100;

    /// <summary>The value on one line, enums as numbers: the canonical text (run keys and records depend on it; do not change its form).</summary>
    public static string Print(object? value) => Write(value, pretty: false, indent: 0);

    /// <summary>
    /// The value for people to read: enum members by name, and over several lines (4-space indents) where one line
    /// would exceed 100 characters. It rebuilds the same value as <see cref="Print"/>.
    /// </summary>
    public static string Pretty(object? value) => Write(value, pretty: true, indent: 0);

    /// <summary>
    /// <paramref name="value"/> as <c>baseline with { … }</c> naming only the members that differ from
    /// <paramref name="baseline"/> (nested records the same way, e.g. <c>Model = Baseline.Model with { Width = 64 }</c>),
    /// laid out as <see cref="Pretty"/>: a sweep's trials printed against its baseline.
    /// </summary>
    /// <param name="baselineExpression">C# that evaluates to <paramref name="baseline"/> where the text is used.</param>
    /// <param name="baseline">The value the changes are relative to.</param>
    /// <param name="value">The value to print.</param>
    public static string PrettyChanges(string baselineExpression, object? baseline, object? value) =>
        Changes(baselineExpression, baseline?.GetType(), baseline, value, 0);

    // `expression with { … }` names members of the expression's static type (declaredType): a member typed as an
    // abstract record (Decay, Loss) holding a derived one is written out in full rather than changed in place.
    private static string Changes(string expression, Type? declaredType, object? baseline, object? value, int indent)
    {
        if (Equals(baseline, value)) return expression;
        if (baseline is null || value is null || baseline.GetType() != value.GetType() || declaredType != value.GetType()
            || IsValueList(value.GetType()) || value.GetType().GetMethod("<Clone>$") is null)
            return Write(value, pretty: true, indent);
        var changes = value.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.SetMethod is { IsPublic: true } && !Equals(p.GetValue(baseline), p.GetValue(value)))
            .OrderBy(p => p.MetadataToken)
            .Select(p => $"{p.Name} = {Changes($"{expression}.{p.Name}", p.PropertyType, p.GetValue(baseline), p.GetValue(value), indent + 1)}")
            .ToList();
        var flat = $"{expression} with {{ {string.Join(", ", changes)} }}";
        if (indent * 4 + flat.Length <= LineWidth && flat.IndexOf('\n') < 0) return flat;
        var outer = new string(' ', indent * 4);
        var inner = new string(' ', indent * 4 + 4);
        return $"{expression} with\n{outer}{{\n{string.Concat(changes.Select(c => inner + c + ",\n"))}{outer}}}";
    }

    private static string Write(object? value, bool pretty, int indent) => value switch
    {
        null => "null",
        bool b => b ? "true" : "false",
        int i => i.ToString(CultureInfo.InvariantCulture),
        long l => l.ToString(CultureInfo.InvariantCulture) + "L",
        double d => Double(d),
        float f => Double(f) + "f",
        string s => Literal(s),
        Enum e when pretty && Enum.IsDefined(e.GetType(), e) => $"{TypeName(e.GetType())}.{e}",
        Enum e => $"({TypeName(e.GetType())}){System.Convert.ToInt64(e, CultureInfo.InvariantCulture)}",
        _ when IsValueList(value.GetType()) => ValueList(value, pretty, indent),
        _ => Record(value, pretty, indent),
    };

    /// <summary>
    /// <c>head(item, item){ init, init }</c> on one line when it fits (or when not pretty); otherwise each item on a
    /// line of its own, one level deeper.
    /// </summary>
    private static string Layout(string head, IReadOnlyList<string> arguments, IReadOnlyList<string> initializers, bool pretty, int indent)
    {
        var flat = $"{head}({string.Join(", ", arguments)})" + (initializers.Count == 0 ? "" : $" {{ {string.Join(", ", initializers)} }}");
        if (!pretty || (indent * 4 + flat.Length <= LineWidth && flat.IndexOf('\n') < 0)) return flat;
        var outer = new string(' ', indent * 4);
        var inner = new string(' ', indent * 4 + 4);
        var text = new StringBuilder(head).Append('(');
        if (arguments.Count > 0) text.Append('\n').Append(string.Join(",\n", arguments.Select(a => inner + a)));
        text.Append(')');
        if (initializers.Count > 0)
            text.Append('\n').Append(outer).Append("{\n").Append(string.Concat(initializers.Select(i => inner + i + ",\n"))).Append(outer).Append('}');
        return text.ToString();
    }

    private static string Double(double d) =>
        double.IsNaN(d) ? "double.NaN"
        : double.IsPositiveInfinity(d) ? "double.PositiveInfinity"
        : double.IsNegativeInfinity(d) ? "double.NegativeInfinity"
        : d.ToString("R", CultureInfo.InvariantCulture) + "d";

    private static string Literal(string text)
    {
        var literal = new StringBuilder("\"");
        foreach (var c in text)
            literal.Append(c switch
            {
                '"' => "\\\"", '\\' => "\\\\", '\n' => "\\n", '\r' => "\\r", '\t' => "\\t", '\0' => "\\0",
                _ when char.IsControl(c) => $"\\u{(int)c:x4}",
                _ => c.ToString(),
            });
        return literal.Append('"').ToString();
    }

    private static bool IsValueList(Type type) => type.IsGenericType && type.GetGenericTypeDefinition() == typeof(ValueList<>);

    private static string ValueList(object list, bool pretty, int indent)
    {
        var element = TypeName(list.GetType().GetGenericArguments()[0]);
        var values = ((IEnumerable)list).Cast<object?>().ToList();
        if (values.Count == 0) return $"global::ViTDsl.ValueList<{element}>.Empty";
        var items = values.Select(v => Write(v, pretty, indent + 1)).ToList();
        return Layout($"global::ViTDsl.ValueList.Of<{element}>", items, [], pretty, indent);
    }

    // A record: its widest public constructor (the positional one), then every other init-settable property.
    private static string Record(object value, bool pretty, int indent)
    {
        var type = value.GetType();
        var constructor = type.GetConstructors().OrderByDescending(c => c.GetParameters().Length).FirstOrDefault()
            ?? throw new InvalidOperationException($"{type} has no public constructor to rebuild it with");
        var byName = type.GetProperties(BindingFlags.Public | BindingFlags.Instance).ToDictionary(p => p.Name, StringComparer.OrdinalIgnoreCase);
        var parameters = constructor.GetParameters();
        var arguments = parameters.Select(p => byName.TryGetValue(p.Name!, out var property)
            ? (p.Name!, property.GetValue(value))
            : throw new InvalidOperationException($"{type.Name}'s constructor parameter '{p.Name}' has no matching property")).ToList();
        var initializers = byName.Values
            .Where(p => p.SetMethod is { IsPublic: true } && !parameters.Any(c => string.Equals(c.Name, p.Name, StringComparison.OrdinalIgnoreCase)))
            .OrderBy(p => p.MetadataToken)
            .Select(p => (p.Name, p.GetValue(value)))
            .ToList();
        return Layout($"new {TypeName(type)}",
            arguments.Select(a => $"{a.Item1}: {Write(a.Item2, pretty, indent + 1)}").ToList(),
            initializers.Select(i => $"{i.Name} = {Write(i.Item2, pretty, indent + 1)}").ToList(), pretty, indent);
    }

    private static string TypeName(Type type)
    {
        if (type == typeof(int)) return "int";
        if (type == typeof(long)) return "long";
        if (type == typeof(double)) return "double";
        if (type == typeof(bool)) return "bool";
        if (type == typeof(string)) return "string";
        if (type.IsGenericType)
        {
            var name = type.GetGenericTypeDefinition().FullName!;
            name = name.Substring(0, name.IndexOf('`'));
            return $"global::{name.Replace('+', '.')}<{string.Join(", ", type.GetGenericArguments().Select(TypeName))}>";
        }
        return "global::" + type.FullName!.Replace('+', '.');
    }
}
