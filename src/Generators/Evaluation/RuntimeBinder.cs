using System;
using System.Linq;
using System.Reflection;
using Microsoft.CodeAnalysis;

namespace ViTDsl.Generators.Evaluation;

/// <summary>
/// Maps compile-time symbols of the ViTDsl vocabulary to the same types and members in the generator's own copy of
/// the Dsl, so a declaration is evaluated by the very code that defines its semantics.
/// </summary>
internal static class RuntimeBinder
{
    private const string DslAssemblyName = "ViTDsl.Dsl";
    private static readonly Assembly Dsl = typeof(Experiment).Assembly;

    public static bool IsDsl(ISymbol symbol) => symbol.ContainingAssembly?.Name == DslAssemblyName;

    public static Type? TypeOf(ITypeSymbol symbol)
    {
        switch (symbol.SpecialType)
        {
            case SpecialType.System_Int32: return typeof(int);
            case SpecialType.System_Int64: return typeof(long);
            case SpecialType.System_Double: return typeof(double);
            case SpecialType.System_Single: return typeof(float);
            case SpecialType.System_Boolean: return typeof(bool);
            case SpecialType.System_String: return typeof(string);
            case SpecialType.System_Object: return typeof(object);
        }
        if (symbol is IArrayTypeSymbol array) return TypeOf(array.ElementType)?.MakeArrayType();
        if (symbol is not INamedTypeSymbol named) return null;
        if (named.OriginalDefinition.SpecialType == SpecialType.System_Nullable_T)
            return TypeOf(named.TypeArguments[0]) is { } inner ? typeof(Nullable<>).MakeGenericType(inner) : null;
        if (IsFunc(named))
        {
            var typeArguments = named.TypeArguments.Select(TypeOf).ToArray();
            return typeArguments.Any(a => a is null) ? null
                : typeof(Func<>).Assembly.GetType($"System.Func`{typeArguments.Length}")!.MakeGenericType(typeArguments!);
        }
        if (!IsDsl(named)) return null;

        var definition = Dsl.GetType(MetadataName(named.OriginalDefinition));
        if (definition is null || !named.IsGenericType) return definition;
        var arguments = named.TypeArguments.Select(TypeOf).ToArray();
        return arguments.Any(a => a is null) ? null : definition.MakeGenericType(arguments!);
    }

    public static MethodInfo? Method(IMethodSymbol symbol)
    {
        var owner = TypeOf(symbol.ContainingType);
        if (owner is null) return null;
        var parameterTypes = symbol.Parameters.Select(p => TypeOf(p.Type)).ToArray();
        if (parameterTypes.Any(t => t is null)) return null;
        const BindingFlags flags = BindingFlags.Public | BindingFlags.Static | BindingFlags.Instance;
        foreach (var candidate in owner.GetMethods(flags).Where(m => m.Name == symbol.MetadataName))
        {
            var method = candidate;
            if (symbol.IsGenericMethod)
            {
                if (!candidate.IsGenericMethodDefinition || candidate.GetGenericArguments().Length != symbol.TypeArguments.Length) continue;
                var typeArguments = symbol.TypeArguments.Select(TypeOf).ToArray();
                if (typeArguments.Any(t => t is null)) return null;
                method = candidate.MakeGenericMethod(typeArguments!);
            }
            if (method.GetParameters().Select(p => p.ParameterType).SequenceEqual(parameterTypes!)) return method;
        }
        return null;
    }

    public static ConstructorInfo? Constructor(IMethodSymbol symbol)
    {
        var parameterTypes = symbol.Parameters.Select(p => TypeOf(p.Type)).ToArray();
        return parameterTypes.Any(t => t is null) ? null : TypeOf(symbol.ContainingType)?.GetConstructor(parameterTypes!);
    }

    private static bool IsFunc(INamedTypeSymbol type) =>
        type.Name == "Func" && type.ContainingNamespace?.ToDisplayString() == "System" && type.TypeArguments.Length is > 0 and <= 5;

    private static string MetadataName(INamedTypeSymbol type)
    {
        var name = type.MetadataName;
        for (var outer = type.ContainingType; outer is not null; outer = outer.ContainingType)
            name = outer.MetadataName + "+" + name;
        var ns = type.ContainingNamespace;
        return ns is null || ns.IsGlobalNamespace ? name : ns.ToDisplayString() + "." + name;
    }
}
