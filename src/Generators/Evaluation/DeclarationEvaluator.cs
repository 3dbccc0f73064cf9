using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Reflection;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace ViTDsl.Generators.Evaluation;

/// <summary>
/// Evaluates a declaration's expression at build time by walking its operation tree: literals and constants,
/// arithmetic, ViTDsl constructors, presets, operators and <c>with</c> expressions (run by reflection on the Dsl's own
/// code), and references to other declarations in the compilation. Anything else is reported, never guessed.
/// </summary>
internal sealed class DeclarationEvaluator(
    Compilation compilation, CancellationToken cancellation,
    IReadOnlyDictionary<IParameterSymbol, object?>? lambdaArguments = null, HashSet<ISymbol>? evaluating = null)
{
    // Declarations and helper methods being evaluated, shared with nested evaluators so recursion is caught.
    private readonly HashSet<ISymbol> inProgress = evaluating ?? new(SymbolEqualityComparer.Default);
    private readonly IReadOnlyDictionary<IParameterSymbol, object?> arguments =
        lambdaArguments ?? new Dictionary<IParameterSymbol, object?>(SymbolEqualityComparer.Default);

    public object? Evaluate(IOperation operation)
    {
        cancellation.ThrowIfCancellationRequested();
        if (operation is IInvalidOperation || operation.Type?.TypeKind == TypeKind.Error) throw new InvalidCodeException();
        if (operation.ConstantValue.HasValue) return Constant(operation);

        return operation switch
        {
            IConversionOperation conversion => Convert(conversion),
            IObjectCreationOperation creation => Create(creation),
            IInvocationOperation invocation => Invoke(invocation),
            IPropertyReferenceOperation property => ReadProperty(property),
            IFieldReferenceOperation field => ReadField(field),
            IWithOperation with => With(with),
            IBinaryOperation binary => Binary(binary),
            IUnaryOperation unary => Unary(unary),
            IConditionalOperation conditional => (bool)Evaluate(conditional.Condition)!
                ? Evaluate(conditional.WhenTrue) : Evaluate(conditional.WhenFalse!),
            IArrayCreationOperation array => Array(array),
            IInterpolatedStringOperation text => Interpolate(text),
            IDefaultValueOperation defaultValue => DefaultOf(defaultValue),
            IParameterReferenceOperation parameter when arguments.TryGetValue(parameter.Parameter, out var argument) => argument,
            IDelegateCreationOperation { Target: IAnonymousFunctionOperation lambda } creation => Lambda(lambda, creation),
            _ => throw new NotEvaluableException(operation.Syntax, $"{Describe(operation)} is not supported"),
        };
    }

    private object? Constant(IOperation operation)
    {
        var value = operation.ConstantValue.Value;
        if (value is not null && operation.Type is INamedTypeSymbol { TypeKind: TypeKind.Enum } enumType)
            return Enum.ToObject(RequireType(enumType, operation.Syntax), value);
        return value;
    }

    private object? Convert(IConversionOperation conversion)
    {
        if (conversion.OperatorMethod is { } userDefined) return Call(userDefined, null, new[] { Evaluate(conversion.Operand) }, conversion.Syntax);
        var value = Evaluate(conversion.Operand);
        var target = conversion.Type;
        // Numeric conversions, and nullable ones such as int → double? (`TrialTimeLimitSeconds = 600`), change the value's type.
        if (value is null || target is null || !(conversion.Conversion.IsNumeric || conversion.Conversion.IsNullable)) return value;
        var underlying = target is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T } nullable
            ? nullable.TypeArguments[0] : target;
        var type = RequireType(underlying, conversion.Syntax);
        return value.GetType() == type || value is not IConvertible ? value : System.Convert.ChangeType(value, type, CultureInfo.InvariantCulture);
    }

    private object? Create(IObjectCreationOperation creation)
    {
        var constructor = creation.Constructor ?? throw new InvalidCodeException();
        RequireDsl(constructor.ContainingType, creation.Syntax);
        var runtime = RuntimeBinder.Constructor(constructor)
            ?? throw new NotEvaluableException(creation.Syntax, $"constructor of {constructor.ContainingType.Name} could not be bound");
        object? instance;
        try { instance = runtime.Invoke(Arguments(creation.Arguments, constructor)); }
        catch (TargetInvocationException e) { throw Unwrap(e, creation.Syntax); }
        if (creation.Initializer is { } initializer) Initialize(instance!, initializer);
        return instance;
    }

    private object? Invoke(IInvocationOperation invocation)
    {
        var method = invocation.TargetMethod;
        if (method.IsStatic && !RuntimeBinder.IsDsl(method) && SourceBody(method) is { } body)
            return CallSource(method, body, invocation);
        RequireDsl(method.ContainingType, invocation.Syntax, $"method '{method.ContainingType.Name}.{method.Name}'");
        var instance = invocation.Instance is null ? null : Evaluate(invocation.Instance);
        return Call(method, instance, Arguments(invocation.Arguments, method), invocation.Syntax);
    }

    /// <summary>The single expression of a static helper method declared in this compilation, if it has one.</summary>
    private ExpressionSyntax? SourceBody(IMethodSymbol method) =>
        method.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax(cancellation) is MethodDeclarationSyntax declaration
            ? declaration.ExpressionBody?.Expression
              ?? (declaration.Body?.Statements is [ReturnStatementSyntax { Expression: { } returned }] ? returned : null)
            : null;

    /// <summary>A helper method of the user's (e.g. a model family <c>FashionVit(width, depth)</c>), evaluated with its arguments bound.</summary>
    private object? CallSource(IMethodSymbol method, ExpressionSyntax body, IInvocationOperation invocation)
    {
        if (!inProgress.Add(method)) throw new NotEvaluableException(invocation.Syntax, $"'{method.Name}' calls itself; recursion is not evaluated");
        try
        {
            var values = Arguments(invocation.Arguments, method);
            var scope = new Dictionary<IParameterSymbol, object?>(SymbolEqualityComparer.Default);
            for (int i = 0; i < values.Length; i++) scope[method.Parameters[i]] = values[i];
            var operation = compilation.GetSemanticModel(body.SyntaxTree).GetOperation(body, cancellation) ?? throw new InvalidCodeException();
            return new DeclarationEvaluator(compilation, cancellation, scope, inProgress).Evaluate(operation);
        }
        finally { inProgress.Remove(method); }
    }

    private object? Call(IMethodSymbol method, object? instance, object?[] arguments, SyntaxNode at)
    {
        RequireDsl(method.ContainingType, at, $"method '{method.ContainingType.Name}.{method.Name}'");
        var runtime = RuntimeBinder.Method(method)
            ?? throw new NotEvaluableException(at, $"method '{method.Name}' could not be bound");
        try { return runtime.Invoke(instance, arguments); }
        catch (TargetInvocationException e) { throw Unwrap(e, at); }
    }

    private object?[] Arguments(IEnumerable<IArgumentOperation> arguments, IMethodSymbol method)
    {
        var values = new object?[method.Parameters.Length];
        foreach (var argument in arguments)
            values[argument.Parameter!.Ordinal] = Evaluate(argument.Value);
        return values;
    }

    private object? ReadProperty(IPropertyReferenceOperation reference)
    {
        var property = reference.Property;
        if (property.IsStatic && !RuntimeBinder.IsDsl(property))
        {
            var declaration = property.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax(cancellation) as PropertyDeclarationSyntax;
            var expression = declaration is null ? null : ExpressionOf(declaration);
            if (expression is null)
                throw new NotEvaluableException(reference.Syntax, $"'{property.Name}' is not a declaration in this compilation with an expression body");
            return EvaluateSource(property, expression, reference.Syntax);
        }
        RequireDsl(property.ContainingType, reference.Syntax, $"property '{property.ContainingType.Name}.{property.Name}'");
        var owner = RequireType(property.ContainingType, reference.Syntax);
        var instance = reference.Instance is null ? null : Evaluate(reference.Instance);
        try { return owner.GetProperty(property.MetadataName)!.GetValue(instance); }
        catch (TargetInvocationException e) { throw Unwrap(e, reference.Syntax); }
    }

    private object? ReadField(IFieldReferenceOperation reference)
    {
        var field = reference.Field;
        if (field.IsStatic && field.IsReadOnly && !RuntimeBinder.IsDsl(field)
            && field.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax(cancellation) is VariableDeclaratorSyntax { Initializer.Value: { } value })
            return EvaluateSource(field, value, reference.Syntax);
        RequireDsl(field.ContainingType, reference.Syntax, $"field '{field.ContainingType.Name}.{field.Name}'");
        var instance = reference.Instance is null ? null : Evaluate(reference.Instance);
        return RequireType(field.ContainingType, reference.Syntax).GetField(field.MetadataName)!.GetValue(instance);
    }

    private object? EvaluateSource(ISymbol symbol, ExpressionSyntax expression, SyntaxNode at)
    {
        if (!inProgress.Add(symbol)) throw new NotEvaluableException(at, $"'{symbol.Name}' refers to itself");
        try
        {
            var model = compilation.GetSemanticModel(expression.SyntaxTree);
            var operation = model.GetOperation(expression, cancellation) ?? throw new InvalidCodeException();
            return Evaluate(operation);
        }
        finally { inProgress.Remove(symbol); }
    }

    private object? With(IWithOperation with)
    {
        var original = Evaluate(with.Operand) ?? throw new NotEvaluableException(with.Operand.Syntax, "the value before 'with' is null");
        var clone = with.CloneMethod is { } cloneMethod
            ? original.GetType().GetMethod(cloneMethod.MetadataName)!.Invoke(original, null)!
            : original; // a struct: boxed copies are already distinct
        Initialize(clone, with.Initializer);
        return clone;
    }

    private void Initialize(object instance, IObjectOrCollectionInitializerOperation initializer)
    {
        foreach (var initialization in initializer.Initializers)
        {
            if (initialization is not ISimpleAssignmentOperation { Target: IPropertyReferenceOperation target } assignment)
                throw new NotEvaluableException(initialization.Syntax, "only 'Property = value' initializers are supported");
            var property = instance.GetType().GetProperty(target.Property.MetadataName)
                ?? throw new NotEvaluableException(initialization.Syntax, $"property '{target.Property.Name}' could not be bound");
            try { property.SetValue(instance, Evaluate(assignment.Value)); }
            catch (TargetInvocationException e) { throw Unwrap(e, initialization.Syntax); }
        }
    }

    private object? Binary(IBinaryOperation binary)
    {
        if (binary.OperatorMethod is { } userDefined)
            return Call(userDefined, null, new[] { Evaluate(binary.LeftOperand), Evaluate(binary.RightOperand) }, binary.Syntax);
        var left = Evaluate(binary.LeftOperand);
        if (binary.OperatorKind == BinaryOperatorKind.ConditionalAnd) return (bool)left! && (bool)Evaluate(binary.RightOperand)!;
        if (binary.OperatorKind == BinaryOperatorKind.ConditionalOr) return (bool)left! || (bool)Evaluate(binary.RightOperand)!;
        var right = Evaluate(binary.RightOperand);
        if (left is string || right is string)
            return binary.OperatorKind == BinaryOperatorKind.Add
                ? Format(left) + Format(right)
                : throw new NotEvaluableException(binary.Syntax, $"operator {binary.OperatorKind} on strings is not supported");
        return Arithmetic.Apply(binary.OperatorKind, left, right, binary.Type, binary.Syntax);
    }

    private object? Unary(IUnaryOperation unary)
    {
        if (unary.OperatorMethod is { } userDefined) return Call(userDefined, null, new[] { Evaluate(unary.Operand) }, unary.Syntax);
        return Arithmetic.Apply(unary.OperatorKind, Evaluate(unary.Operand), unary.Syntax);
    }

    private object Array(IArrayCreationOperation creation)
    {
        var elementType = RequireType(((IArrayTypeSymbol)creation.Type!).ElementType, creation.Syntax);
        var elements = creation.Initializer?.ElementValues.Select(Evaluate).ToArray() ?? new object?[0];
        var array = System.Array.CreateInstance(elementType, elements.Length);
        for (int i = 0; i < elements.Length; i++) array.SetValue(elements[i], i);
        return array;
    }

    private string Interpolate(IInterpolatedStringOperation text) => string.Concat(text.Parts.Select(part => part switch
    {
        IInterpolatedStringTextOperation literal => (string?)literal.Text.ConstantValue.Value,
        IInterpolationOperation hole => string.Format(CultureInfo.InvariantCulture,
            "{0" + (hole.Alignment is null ? "" : "," + Evaluate(hole.Alignment)) + (hole.FormatString is null ? "" : ":" + Evaluate(hole.FormatString)) + "}",
            Evaluate(hole.Expression)),
        _ => throw new NotEvaluableException(part.Syntax, "this part of an interpolated string is not supported"),
    }));

    /// <summary>
    /// A lambda becomes a real delegate whose body this evaluator interprets when the Dsl calls it (e.g. an axis'
    /// setter <c>(e, m) => e with { Model = m }</c>), so sweeps expand at build time exactly as at run time.
    /// </summary>
    private Delegate Lambda(IAnonymousFunctionOperation lambda, IDelegateCreationOperation creation)
    {
        var delegateType = RequireType(creation.Type!, creation.Syntax);
        var parameters = lambda.Symbol.Parameters;
        var captured = arguments;
        return DelegateFactory.Create(delegateType, values =>
        {
            var scope = new Dictionary<IParameterSymbol, object?>(SymbolEqualityComparer.Default);
            foreach (var pair in captured) scope[pair.Key] = pair.Value;
            for (int i = 0; i < parameters.Length; i++) scope[parameters[i]] = values[i];
            var body = lambda.Body.Operations is [IReturnOperation { ReturnedValue: { } returned }]
                ? returned
                : throw new NotEvaluableException(lambda.Syntax, "only expression lambdas ('x => expression') are supported");
            return new DeclarationEvaluator(compilation, cancellation, scope, inProgress).Evaluate(body);
        });
    }

    /// <summary>Unwraps an evaluator error that crossed a Dsl call (a lambda body evaluated inside it).</summary>
    private static Exception Unwrap(TargetInvocationException e, SyntaxNode at) => e.InnerException switch
    {
        NotEvaluableException or InvalidCodeException or DslThrewException => e.InnerException,
        { } inner => new DslThrewException(at, inner),
        null => new DslThrewException(at, e),
    };

    private object? DefaultOf(IDefaultValueOperation operation) =>
        operation.Type is { IsValueType: true } type ? Activator.CreateInstance(RequireType(type, operation.Syntax)) : null;

    private static string Format(object? value) => System.Convert.ToString(value, CultureInfo.InvariantCulture) ?? "";

    private static void RequireDsl(ITypeSymbol owner, SyntaxNode at, string? what = null)
    {
        if (!RuntimeBinder.IsDsl(owner))
            throw new NotEvaluableException(at, $"{what ?? "type '" + owner.Name + "'"} is not part of the ViTDsl vocabulary");
    }

    private static Type RequireType(ITypeSymbol symbol, SyntaxNode at) =>
        RuntimeBinder.TypeOf(symbol) ?? throw new NotEvaluableException(at, $"type '{symbol.Name}' is not part of the ViTDsl vocabulary");

    private static string Describe(IOperation operation) => operation.Kind switch
    {
        OperationKind.LocalReference => "a local variable",
        OperationKind.ParameterReference => "a parameter",
        OperationKind.Await => "'await'",
        OperationKind.AnonymousFunction => "a lambda",
        _ => $"a {operation.Kind} expression",
    };

    /// <summary>The single expression that declares a property: '=> e', '{ get; } = e' or '{ get => e; }'.</summary>
    public static ExpressionSyntax? ExpressionOf(PropertyDeclarationSyntax property)
    {
        if (property.ExpressionBody is { } arrow) return arrow.Expression;
        if (property.Initializer is { } initializer) return initializer.Value;
        var getter = property.AccessorList?.Accessors.FirstOrDefault(a => a.IsKind(Microsoft.CodeAnalysis.CSharp.SyntaxKind.GetAccessorDeclaration));
        if (getter?.ExpressionBody is { } getterArrow) return getterArrow.Expression;
        return getter?.Body?.Statements is [ReturnStatementSyntax { Expression: { } returned }] ? returned : null;
    }
}
