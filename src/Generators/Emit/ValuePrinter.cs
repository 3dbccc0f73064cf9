using System;
using System.Collections;
using System.Globalization;
using System.Linq;
using System.Reflection;
using Microsoft.CodeAnalysis.CSharp;

namespace ViTDsl.Generators.Emit;

/// <summary>
/// Writes an evaluated Dsl value back as a C# expression that rebuilds it exactly, so the generated plan carries
/// the declaration as the generator saw it (and a test can compare it with the value evaluated at run time).
/// </summary>
internal static class ValuePrinter
{
    public static string Print(object? value) => value switch
    {
        null => "null",
        bool b => b ? "true" : "false",
        int i => i.ToString(CultureInfo.InvariantCulture),
        long l => l.ToString(CultureInfo.InvariantCulture) + "L",
        double d => Double(d),
        float f => Double(f) + "f",
        string s => SymbolDisplay.FormatLiteral(s, quote: true),
        Enum e => $"({TypeName(e.GetType())}){System.Convert.ToInt64(e, CultureInfo.InvariantCulture)}",
        _ when IsValueList(value.GetType()) => ValueList(value),
        _ => Record(value),
    };

    private static string Double(double d) =>
        double.IsNaN(d) ? "double.NaN"
        : double.IsPositiveInfinity(d) ? "double.PositiveInfinity"
        : double.IsNegativeInfinity(d) ? "double.NegativeInfinity"
        : d.ToString("R", CultureInfo.InvariantCulture) + "d";

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
