using System;
using System.Collections;
using System.Globalization;
using System.Linq;
using System.Reflection;
using System.Text;

namespace ViTDsl;

/// <summary>
/// A Dsl value written as the C# expression that rebuilds it exactly. The generator emits it into plans (the
/// declaration as evaluated at build time); the runtime uses it as a value's canonical text (run keys, records).
/// </summary>
public static class SourceText
{
    public static string Print(object? value) => value switch
    {
        null => "null",
        bool b => b ? "true" : "false",
        int i => i.ToString(CultureInfo.InvariantCulture),
        long l => l.ToString(CultureInfo.InvariantCulture) + "L",
        double d => Double(d),
        float f => Double(f) + "f",
        string s => Literal(s),
        Enum e => $"({TypeName(e.GetType())}){System.Convert.ToInt64(e, CultureInfo.InvariantCulture)}",
        _ when IsValueList(value.GetType()) => ValueList(value),
        _ => Record(value),
    };

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

    private static string ValueList(object list)
    {
        var element = TypeName(list.GetType().GetGenericArguments()[0]);
        var items = ((IEnumerable)list).Cast<object?>().Select(Print).ToList();
        return items.Count == 0
            ? $"global::ViTDsl.ValueList<{element}>.Empty"
            : $"global::ViTDsl.ValueList.Of<{element}>({string.Join(", ", items)})";
    }

    // A record: its widest public constructor (the positional one), then every other init-settable property.
    private static string Record(object value)
    {
        var type = value.GetType();
        var constructor = type.GetConstructors().OrderByDescending(c => c.GetParameters().Length).FirstOrDefault()
            ?? throw new InvalidOperationException($"{type} has no public constructor to rebuild it with");
        var byName = type.GetProperties(BindingFlags.Public | BindingFlags.Instance).ToDictionary(p => p.Name, StringComparer.OrdinalIgnoreCase);
        var parameters = constructor.GetParameters();
        var arguments = parameters.Select(p => byName.TryGetValue(p.Name!, out var property)
            ? $"{p.Name}: {Print(property.GetValue(value))}"
            : throw new InvalidOperationException($"{type.Name}'s constructor parameter '{p.Name}' has no matching property"));
        var initializers = byName.Values
            .Where(p => p.SetMethod is { IsPublic: true } && !parameters.Any(c => string.Equals(c.Name, p.Name, StringComparison.OrdinalIgnoreCase)))
            .OrderBy(p => p.MetadataToken)
            .Select(p => $"{p.Name} = {Print(p.GetValue(value))}")
            .ToList();
        var creation = $"new {TypeName(type)}({string.Join(", ", arguments)})";
        return initializers.Count == 0 ? creation : $"{creation} {{ {string.Join(", ", initializers)} }}";
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
