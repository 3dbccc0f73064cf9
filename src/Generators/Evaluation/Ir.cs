using System;
using System.Reflection;
using Microsoft.CodeAnalysis.Operations;
using ViTDsl.Generators.Pipeline;

namespace ViTDsl.Generators.Evaluation;

// A declaration lowered to plain data: what to evaluate, already bound to the generator's own copy of the Dsl
// (System.Type and reflection members, which compare by identity within the process), with no ISymbol, syntax or
// Compilation. Referenced declarations and helper methods are inlined, so a declaration's tree equals its previous
// tree exactly when neither its expression nor anything it references changed: the evaluation step stays cached.
// Every node carries a Site: an index into the declaration's location table, kept outside the evaluation's input
// so that moving code (an edit above it) does not re-run the evaluation.

internal abstract record Ir(int Site);

/// <summary>A literal or constant (numbers, strings, booleans, enum members).</summary>
internal sealed record IrConstant(int Site, object? Value) : Ir(Site);

/// <summary>A conversion; <paramref name="Target"/> is the numeric type to change to, null when the value is kept.</summary>
internal sealed record IrConvert(int Site, Ir Operand, Type? Target) : Ir(Site);

/// <summary>A Dsl constructor call with optional 'Property = value' initializers.</summary>
internal sealed record IrNew(int Site, ConstructorInfo Constructor, EquatableArray<Ir?> Arguments, EquatableArray<IrInit> Initializers) : Ir(Site);

/// <summary>A Dsl method (static, instance or operator).</summary>
internal sealed record IrCall(int Site, MethodInfo Method, Ir? Instance, EquatableArray<Ir?> Arguments) : Ir(Site);

/// <summary>A Dsl property or field read.</summary>
internal sealed record IrRead(int Site, MemberInfo Member, Ir? Instance) : Ir(Site);

/// <summary>A 'with' expression: clone (records) then initialize.</summary>
internal sealed record IrWith(int Site, Ir Operand, string? CloneMethod, EquatableArray<IrInit> Initializers) : Ir(Site);

internal sealed record IrInit(int Site, string Property, Ir Value);

internal sealed record IrBinary(int Site, BinaryOperatorKind Kind, Ir Left, Ir Right, bool ResultIsInt32) : Ir(Site);

internal sealed record IrUnary(int Site, UnaryOperatorKind Kind, Ir Operand) : Ir(Site);

internal sealed record IrConditional(int Site, Ir Condition, Ir WhenTrue, Ir WhenFalse) : Ir(Site);

internal sealed record IrArray(int Site, Type ElementType, EquatableArray<Ir> Elements) : Ir(Site);

/// <summary>An interpolated string: literal text parts and holes with optional alignment and format.</summary>
internal sealed record IrInterpolation(int Site, EquatableArray<IrHole> Parts) : Ir(Site);

internal sealed record IrHole(string? Text, Ir? Value, Ir? Alignment, Ir? Format);

/// <summary>'default' of a type (null for reference types).</summary>
internal sealed record IrDefault(int Site, Type? ValueType) : Ir(Site);

/// <summary>A parameter of an enclosing lambda or inlined helper method, by its unique key.</summary>
internal sealed record IrParameter(int Site, string Key) : Ir(Site);

/// <summary>An inlined call of a user helper method: its arguments bound to its parameters, then its body.</summary>
internal sealed record IrLet(int Site, EquatableArray<IrBinding> Bindings, Ir Body) : Ir(Site);

internal sealed record IrBinding(string Key, Ir? Value);

/// <summary>A lambda: a delegate of the given type whose body is interpreted when the Dsl calls it.</summary>
internal sealed record IrLambda(int Site, Type DelegateType, EquatableArray<string> Parameters, Ir Body) : Ir(Site);

/// <summary>Code the generator cannot evaluate; raised only if evaluation reaches it (as C# would).</summary>
internal sealed record IrNotEvaluable(int Site, string Reason) : Ir(Site);

/// <summary>Code with compiler errors: the compiler reports them, the generator stays silent.</summary>
internal sealed record IrInvalid(int Site) : Ir(Site);
