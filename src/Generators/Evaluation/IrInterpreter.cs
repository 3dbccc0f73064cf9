using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Reflection;
using System.Threading;
using Microsoft.CodeAnalysis.Operations;

namespace ViTDsl.Generators.Evaluation;

/// <summary>
/// Evaluates a lowered declaration (<see cref="Ir"/>) with the Dsl's own code, by reflection: the same constructors,
/// presets and operators the runtime runs, so the facts proven at build time are the facts the runtime sees. Needs
/// no Compilation, so it runs in a pipeline step that is cached while the declaration's tree is unchanged.
/// </summary>
internal sealed class IrInterpreter(CancellationToken cancellation)
{
    private static readonly IReadOnlyDictionary<string, object?> NoScope = new Dictionary<string, object?>();

    public object? Evaluate(Ir node) => Evaluate(node, NoScope);

    private object? Evaluate(Ir node, IReadOnlyDictionary<string, object?> scope)
    {
        cancellation.ThrowIfCancellationRequested();
        object? Eval(Ir n) => Evaluate(n, scope);
        switch (node)
        {
            case IrConstant constant: return constant.Value;
            case IrConvert convert:
            {
                var value = Eval(convert.Operand);
                return value is null || convert.Target is null || value.GetType() == convert.Target || value is not IConvertible
                    ? value : Guard(convert.Site, () => System.Convert.ChangeType(value, convert.Target, CultureInfo.InvariantCulture));
            }
            case IrNew or IrCall or IrRead or IrWith: return Construct(node, scope);
            case IrBinary binary: return Binary(binary, scope);
            case IrUnary unary: return Arithmetic.Apply(unary.Kind, Eval(unary.Operand), unary.Site);
            case IrConditional conditional:
                return Bool(Eval(conditional.Condition), conditional.Condition.Site) ? Eval(conditional.WhenTrue) : Eval(conditional.WhenFalse);
            case IrArray array:
            {
                var result = Array.CreateInstance(array.ElementType, array.Elements.Length);
                for (int i = 0; i < array.Elements.Length; i++) result.SetValue(Eval(array.Elements[i]), i);
                return result;
            }
            case IrInterpolation text:
                return string.Concat(text.Parts.Select(part => part.Text ?? string.Format(CultureInfo.InvariantCulture,
                    "{0" + (part.Alignment is null ? "" : "," + Eval(part.Alignment)) + (part.Format is null ? "" : ":" + Eval(part.Format)) + "}",
                    Eval(part.Value!))));
            case IrDefault defaultValue: return defaultValue.ValueType is null ? null : Activator.CreateInstance(defaultValue.ValueType);
            case IrParameter parameter:
                return scope.TryGetValue(parameter.Key, out var argument) ? argument
                    : throw new NotEvaluableException(parameter.Site, "a parameter is not supported");
            case IrLet let:
            {
                var inner = new Dictionary<string, object?>();
                foreach (var binding in let.Bindings) inner[binding.Key] = binding.Value is null ? null : Eval(binding.Value);
                return Evaluate(let.Body, inner);
            }
            case IrLambda lambda: return Lambda(lambda, scope);
            case IrNotEvaluable failure: throw new NotEvaluableException(failure.Site, failure.Reason);
            case IrInvalid: throw new InvalidCodeException();
            default: throw new NotEvaluableException(node.Site, $"{node.GetType().Name} is not supported");
        }
    }

    // Objects and their members: constructions, calls, property and field reads, and 'with' copies.
    private object? Construct(Ir node, IReadOnlyDictionary<string, object?> scope)
    {
        object? Eval(Ir n) => Evaluate(n, scope);
        object?[] EvalAll(IEnumerable<Ir?> nodes) => nodes.Select(n => n is null ? null : Eval(n)).ToArray();
        switch (node)
        {
            case IrNew creation:
            {
                var instance = Invoke(creation.Site, () => creation.Constructor.Invoke(EvalAll(creation.Arguments)));
                Initialize(instance!, creation.Initializers, scope);
                return instance;
            }
            case IrCall call:
            {
                var instance = call.Instance is null ? null : Eval(call.Instance);
                var arguments = EvalAll(call.Arguments);
                return Invoke(call.Site, () => call.Method.Invoke(instance, arguments));
            }
            case IrRead { Member: PropertyInfo property } read:
            {
                var instance = read.Instance is null ? null : Eval(read.Instance);
                return Invoke(read.Site, () => property.GetValue(instance));
            }
            case IrRead { Member: FieldInfo field } read:
            {
                var instance = read.Instance is null ? null : Eval(read.Instance);
                return Invoke(read.Site, () => field.GetValue(instance));
            }
            case IrWith with:
            {
                var original = Eval(with.Operand) ?? throw new NotEvaluableException(with.Operand.Site, "the value before 'with' is null");
                var clone = with.CloneMethod is { } cloneMethod
                    ? Invoke(with.Site, () => original.GetType().GetMethod(cloneMethod)!.Invoke(original, null))!
                    : original; // a struct: boxed copies are already distinct
                Initialize(clone, with.Initializers, scope);
                return clone;
            }
            default: throw new NotEvaluableException(node.Site, $"{node.GetType().Name} is not supported");
        }
    }

    private void Initialize(object instance, IEnumerable<IrInit> initializers, IReadOnlyDictionary<string, object?> scope)
    {
        foreach (var initialization in initializers)
        {
            if (initialization.Value is IrNotEvaluable or IrInvalid) Evaluate(initialization.Value, scope);
            var property = instance.GetType().GetProperty(initialization.Property)
                ?? throw new NotEvaluableException(initialization.Site, $"property '{initialization.Property}' could not be bound");
            var value = Evaluate(initialization.Value, scope);
            Invoke(initialization.Site, () => { property.SetValue(instance, value); return null; });
        }
    }

    private object? Binary(IrBinary binary, IReadOnlyDictionary<string, object?> scope)
    {
        var left = Evaluate(binary.Left, scope);
        if (binary.Kind == BinaryOperatorKind.ConditionalAnd) return Bool(left, binary.Left.Site) && Bool(Evaluate(binary.Right, scope), binary.Right.Site);
        if (binary.Kind == BinaryOperatorKind.ConditionalOr) return Bool(left, binary.Left.Site) || Bool(Evaluate(binary.Right, scope), binary.Right.Site);
        var right = Evaluate(binary.Right, scope);
        if (left is string || right is string)
            return binary.Kind == BinaryOperatorKind.Add
                ? Format(left) + Format(right)
                : throw new NotEvaluableException(binary.Site, $"operator {binary.Kind} on strings is not supported");
        return Arithmetic.Apply(binary.Kind, left, right, binary.ResultIsInt32, binary.Site);
    }

    /// <summary>
    /// A lambda becomes a real delegate whose body this interpreter evaluates when the Dsl calls it, so sweeps expand
    /// at build time exactly as at run time.
    /// </summary>
    private Delegate Lambda(IrLambda lambda, IReadOnlyDictionary<string, object?> captured) =>
        DelegateFactory.Create(lambda.DelegateType, values =>
        {
            var scope = new Dictionary<string, object?>();
            foreach (var pair in captured) scope[pair.Key] = pair.Value;
            for (int i = 0; i < lambda.Parameters.Length; i++) scope[lambda.Parameters[i]] = values[i];
            return Evaluate(lambda.Body, scope);
        });

    /// <summary>
    /// Runs Dsl code. Its argument checks (ArgumentException, InvalidOperationException, …) are the user's to fix;
    /// anything else it throws is a bug in the Dsl. Errors of this interpreter that crossed a Dsl call (a lambda body
    /// evaluated inside it) pass through unchanged.
    /// </summary>
    private static object? Invoke(int site, Func<object?> dslCode)
    {
        try { return dslCode(); }
        catch (TargetInvocationException e) when (e.InnerException is { } inner) { throw Classify(inner, site); }
        catch (Exception e) when (e is not OperationCanceledException) { throw Classify(e, site); }
    }

    private static Exception Classify(Exception e, int site) => e switch
    {
        NotEvaluableException or InvalidCodeException or DslThrewException or DslBugException or OperationCanceledException => e,
        TargetInvocationException { InnerException: { } inner } => Classify(inner, site),
        ArgumentException or InvalidOperationException or FormatException or KeyNotFoundException or NotSupportedException
            or OverflowException or ArithmeticException => new DslThrewException(site, e),
        _ => new DslBugException(site, e),
    };

    private static object? Guard(int site, Func<object?> conversion) => Invoke(site, conversion);

    private static bool Bool(object? value, int site) =>
        value as bool? ?? throw new NotEvaluableException(site, "a condition that is not a bool");

    private static string Format(object? value) => System.Convert.ToString(value, CultureInfo.InvariantCulture) ?? "";
}
