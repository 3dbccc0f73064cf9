using System;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;
using ViTDsl.Generators.Pipeline;

namespace ViTDsl.Generators.Evaluation;

/// <summary>
/// The cheap semantic step: turns a declaration's operation tree into <see cref="Ir"/> (plain, equatable data bound
/// to the Dsl by reflection) and a table of the source locations its nodes came from. It evaluates nothing: literals,
/// ViTDsl constructors, presets, operators and <c>with</c> expressions become nodes; references to other
/// declarations, static readonly fields and single-expression helper methods of the compilation are inlined; anything
/// else becomes a node that reports why it cannot be evaluated, if evaluation reaches it.
/// </summary>
internal sealed class DeclarationLowering(Compilation compilation, Dictionary<SyntaxTree, SemanticModel> models, CancellationToken cancellation)
{
    private readonly List<LocationInfo> sites = [];
    // Declarations and helper methods being inlined, so recursion is caught instead of looping.
    private readonly HashSet<ISymbol> inProgress = new(SymbolEqualityComparer.Default);
    private Dictionary<IParameterSymbol, string> parameters = new(SymbolEqualityComparer.Default);
    private int scopes;

    /// <summary>Lowers one declaration's expression; site 0 is the expression itself.</summary>
    /// <param name="models">Semantic models by tree, shared by the declarations of a class: a model caches what it has bound.</param>
    public static LoweredDeclaration Lower(Compilation compilation, Dictionary<SyntaxTree, SemanticModel> models, ExpressionSyntax expression, CancellationToken cancellation)
    {
        var lowering = new DeclarationLowering(compilation, models, cancellation);
        lowering.Site(expression);
        var operation = lowering.OperationOf(expression);
        var root = operation is null ? new IrInvalid(0) : lowering.Lower(operation);
        return new LoweredDeclaration(root, lowering.sites.ToEquatableArray(), operation is null ? default : MemberSites(operation));
    }

    private IOperation? OperationOf(ExpressionSyntax expression)
    {
        if (!models.TryGetValue(expression.SyntaxTree, out var model))
            models[expression.SyntaxTree] = model = compilation.GetSemanticModel(expression.SyntaxTree);
        return model.GetOperation(expression, cancellation);
    }

    private int Site(SyntaxNode node)
    {
        sites.Add(LocationInfo.From(node.GetLocation()));
        return sites.Count - 1;
    }

    private Ir Lower(IOperation operation)
    {
        cancellation.ThrowIfCancellationRequested();
        try { return LowerCore(operation); }
        catch (NotEvaluableException e) { return new IrNotEvaluable(e.Site, e.Message); }
        catch (InvalidCodeException) { return new IrInvalid(0); }
    }

    private Ir LowerCore(IOperation operation)
    {
        if (operation is IInvalidOperation || operation.Type?.TypeKind == TypeKind.Error) throw new InvalidCodeException();
        var site = Site(operation.Syntax);
        if (operation.ConstantValue.HasValue)
        {
            var value = operation.ConstantValue.Value;
            return new IrConstant(site, value is not null && operation.Type is INamedTypeSymbol { TypeKind: TypeKind.Enum } enumType
                ? Enum.ToObject(RequireType(enumType, site), value) : value);
        }
        return operation switch
        {
            IConversionOperation conversion => Convert(conversion, site),
            IObjectCreationOperation creation => Create(creation, site),
            IInvocationOperation invocation => Invoke(invocation, site),
            IPropertyReferenceOperation property => ReadProperty(property, site),
            IFieldReferenceOperation field => ReadField(field, site),
            IWithOperation with => new IrWith(site, Lower(with.Operand), with.CloneMethod?.MetadataName, Initializers(with.Initializer)),
            IBinaryOperation { OperatorMethod: { } method } binary => Call(method, null, [binary.LeftOperand, binary.RightOperand], site),
            IBinaryOperation binary => new IrBinary(site, binary.OperatorKind, Lower(binary.LeftOperand), Lower(binary.RightOperand),
                binary.Type?.SpecialType == SpecialType.System_Int32),
            IUnaryOperation { OperatorMethod: { } method } unary => Call(method, null, [unary.Operand], site),
            IUnaryOperation unary => new IrUnary(site, unary.OperatorKind, Lower(unary.Operand)),
            IConditionalOperation conditional => new IrConditional(site, Lower(conditional.Condition), Lower(conditional.WhenTrue), Lower(conditional.WhenFalse!)),
            IArrayCreationOperation array => new IrArray(site, RequireType(((IArrayTypeSymbol)array.Type!).ElementType, site),
                (array.Initializer?.ElementValues ?? []).Select(Lower).ToEquatableArray()),
            IInterpolatedStringOperation text => new IrInterpolation(site, text.Parts.Select(Hole).ToEquatableArray()),
            IDefaultValueOperation defaultValue => new IrDefault(site, defaultValue.Type is { IsValueType: true } type ? RequireType(type, site) : null),
            IParameterReferenceOperation parameter when parameters.TryGetValue(parameter.Parameter, out var key) => new IrParameter(site, key),
            IDelegateCreationOperation { Target: IAnonymousFunctionOperation lambda } creation => Lambda(lambda, creation, site),
            _ => throw new NotEvaluableException(site, $"{Describe(operation)} is not supported"),
        };
    }

    private Ir Convert(IConversionOperation conversion, int site)
    {
        if (conversion.OperatorMethod is { } userDefined) return Call(userDefined, null, [conversion.Operand], site);
        var operand = Lower(conversion.Operand);
        var target = conversion.Type;
        // Numeric conversions, and nullable ones such as int → double? (`TrialTimeLimitSeconds = 600`), change the value's type.
        if (target is null || !(conversion.Conversion.IsNumeric || conversion.Conversion.IsNullable)) return new IrConvert(site, operand, null);
        var underlying = target is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T } nullable
            ? nullable.TypeArguments[0] : target;
        return new IrConvert(site, operand, RequireType(underlying, site));
    }

    private Ir Create(IObjectCreationOperation creation, int site)
    {
        var constructor = creation.Constructor ?? throw new InvalidCodeException();
        RequireDsl(constructor.ContainingType, site);
        var runtime = RuntimeBinder.Constructor(constructor)
            ?? throw new NotEvaluableException(site, $"constructor of {constructor.ContainingType.Name} could not be bound");
        return new IrNew(site, runtime, Arguments(creation.Arguments, constructor),
            creation.Initializer is { } initializer ? Initializers(initializer) : default);
    }

    private Ir Invoke(IInvocationOperation invocation, int site)
    {
        var method = invocation.TargetMethod;
        if (method.IsStatic && !RuntimeBinder.IsDsl(method) && SourceBody(method) is { } body)
            return Inline(method, body, invocation, site);
        return Call(method, invocation.Instance, invocation.Arguments, site);
    }

    private Ir Call(IMethodSymbol method, IOperation? instance, IEnumerable<IOperation> arguments, int site)
    {
        RequireDsl(method.ContainingType, site, $"method '{method.ContainingType.Name}.{method.Name}'");
        var runtime = RuntimeBinder.Method(method) ?? throw new NotEvaluableException(site, $"method '{method.Name}' could not be bound");
        var values = arguments is IEnumerable<IArgumentOperation> bound
            ? Arguments(bound, method)
            : arguments.Select(a => (Ir?)Lower(a)).ToEquatableArray();
        return new IrCall(site, runtime, instance is null ? null : Lower(instance), values);
    }

    /// <summary>The single expression of a static helper method declared in this compilation, if it has one.</summary>
    private ExpressionSyntax? SourceBody(IMethodSymbol method) =>
        method.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax(cancellation) is MethodDeclarationSyntax declaration
            ? declaration.ExpressionBody?.Expression
              ?? (declaration.Body?.Statements is [ReturnStatementSyntax { Expression: { } returned }] ? returned : null)
            : null;

    /// <summary>A helper method of the user's (e.g. a model family <c>FashionVit(width, depth)</c>), inlined with its arguments bound.</summary>
    private Ir Inline(IMethodSymbol method, ExpressionSyntax body, IInvocationOperation invocation, int site)
    {
        if (!inProgress.Add(method)) return new IrNotEvaluable(site, $"'{method.Name}' calls itself; recursion is not evaluated");
        var outer = parameters;
        try
        {
            var values = Arguments(invocation.Arguments, method);
            var scope = ++scopes;
            parameters = new(SymbolEqualityComparer.Default);
            var bindings = method.Parameters.Select((p, i) => new IrBinding(parameters[p] = $"{p.Name}#{scope}", values[i])).ToEquatableArray();
            var operation = OperationOf(body) ?? throw new InvalidCodeException();
            return new IrLet(site, bindings, Lower(operation));
        }
        finally
        {
            parameters = outer;
            inProgress.Remove(method);
        }
    }

    private EquatableArray<Ir?> Arguments(IEnumerable<IArgumentOperation> arguments, IMethodSymbol method)
    {
        var values = new Ir?[method.Parameters.Length];
        foreach (var argument in arguments) values[argument.Parameter!.Ordinal] = Lower(argument.Value);
        return values.ToEquatableArray();
    }

    private Ir ReadProperty(IPropertyReferenceOperation reference, int site)
    {
        var property = reference.Property;
        if (property.IsStatic && !RuntimeBinder.IsDsl(property))
        {
            var declaration = property.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax(cancellation) as PropertyDeclarationSyntax;
            var expression = declaration is null ? null : ExpressionOf(declaration);
            if (expression is null)
                throw new NotEvaluableException(site, $"'{property.Name}' is not a declaration in this compilation with an expression body");
            return InlineSource(property, expression, site);
        }
        RequireDsl(property.ContainingType, site, $"property '{property.ContainingType.Name}.{property.Name}'");
        var member = RequireType(property.ContainingType, site).GetProperty(property.MetadataName)
            ?? throw new NotEvaluableException(site, $"property '{property.Name}' could not be bound");
        return new IrRead(site, member, reference.Instance is null ? null : Lower(reference.Instance));
    }

    private Ir ReadField(IFieldReferenceOperation reference, int site)
    {
        var field = reference.Field;
        if (field.IsStatic && field.IsReadOnly && !RuntimeBinder.IsDsl(field)
            && field.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax(cancellation) is VariableDeclaratorSyntax { Initializer.Value: { } value })
            return InlineSource(field, value, site);
        RequireDsl(field.ContainingType, site, $"field '{field.ContainingType.Name}.{field.Name}'");
        var member = RequireType(field.ContainingType, site).GetField(field.MetadataName)
            ?? throw new NotEvaluableException(site, $"field '{field.Name}' could not be bound");
        return new IrRead(site, member, reference.Instance is null ? null : Lower(reference.Instance));
    }

    /// <summary>Another declaration (or static readonly field) of the compilation, inlined: its changes re-evaluate this one.</summary>
    private Ir InlineSource(ISymbol symbol, ExpressionSyntax expression, int site)
    {
        if (!inProgress.Add(symbol)) return new IrNotEvaluable(site, $"'{symbol.Name}' refers to itself");
        var outer = parameters;
        try
        {
            parameters = new(SymbolEqualityComparer.Default);
            var operation = OperationOf(expression) ?? throw new InvalidCodeException();
            return Lower(operation);
        }
        finally
        {
            parameters = outer;
            inProgress.Remove(symbol);
        }
    }

    private EquatableArray<IrInit> Initializers(IObjectOrCollectionInitializerOperation initializer) =>
        initializer.Initializers.Select(initialization =>
        {
            var site = Site(initialization.Syntax);
            return initialization is ISimpleAssignmentOperation { Target: IPropertyReferenceOperation target } assignment
                ? new IrInit(site, target.Property.MetadataName, Lower(assignment.Value))
                : new IrInit(site, "", new IrNotEvaluable(site, "only 'Property = value' initializers are supported"));
        }).ToEquatableArray();

    private IrHole Hole(IInterpolatedStringContentOperation part) => part switch
    {
        IInterpolatedStringTextOperation literal => new IrHole((string?)literal.Text.ConstantValue.Value, null, null, null),
        IInterpolationOperation hole => new IrHole(null, Lower(hole.Expression),
            hole.Alignment is null ? null : Lower(hole.Alignment), hole.FormatString is null ? null : Lower(hole.FormatString)),
        _ => new IrHole(null, new IrNotEvaluable(Site(part.Syntax), "this part of an interpolated string is not supported"), null, null),
    };

    /// <summary>A lambda (e.g. an axis' setter <c>(e, m) => e with { Model = m }</c>) sees its own parameters and the enclosing ones.</summary>
    private Ir Lambda(IAnonymousFunctionOperation lambda, IDelegateCreationOperation creation, int site)
    {
        var delegateType = RequireType(creation.Type!, site);
        if (lambda.Body.Operations is not [IReturnOperation { ReturnedValue: { } returned }])
            throw new NotEvaluableException(site, "only expression lambdas ('x => expression') are supported");
        var outer = parameters;
        try
        {
            var scope = ++scopes;
            parameters = new(outer, SymbolEqualityComparer.Default);
            var keys = lambda.Symbol.Parameters.Select(p => parameters[p] = $"{p.Name}#{scope}").ToEquatableArray();
            return new IrLambda(site, delegateType, keys, Lower(returned));
        }
        finally { parameters = outer; }
    }

    private static void RequireDsl(ITypeSymbol owner, int site, string? what = null)
    {
        if (!RuntimeBinder.IsDsl(owner))
            throw new NotEvaluableException(site, $"{what ?? "type '" + owner.Name + "'"} is not part of the ViTDsl vocabulary");
    }

    private static Type RequireType(ITypeSymbol symbol, int site) =>
        RuntimeBinder.TypeOf(symbol) ?? throw new NotEvaluableException(site, $"type '{symbol.Name}' is not part of the ViTDsl vocabulary");

    private static string Describe(IOperation operation) => operation.Kind switch
    {
        OperationKind.LocalReference => "a local variable",
        OperationKind.ParameterReference => "a parameter",
        OperationKind.Await => "'await'",
        OperationKind.AnonymousFunction => "a lambda",
        _ => $"a {operation.Kind} expression",
    };

    /// <summary>
    /// Where each member is set in the declaration's own code, in source order: arguments by parameter name and
    /// 'Member = …' assignments. A rule's problem with a member is reported at the last of them (see <see cref="MemberSite"/>).
    /// </summary>
    private static EquatableArray<MemberSite> MemberSites(IOperation declaration) =>
        declaration.DescendantsAndSelf().Select(operation => operation switch
        {
            IArgumentOperation { Parameter: { } parameter } argument when !argument.IsImplicit =>
                new MemberSite(parameter.Name, IgnoreCase: true, LocationInfo.From(argument.Syntax.GetLocation())),
            ISimpleAssignmentOperation { Target: IPropertyReferenceOperation target } assignment =>
                new MemberSite(target.Property.Name, IgnoreCase: false, LocationInfo.From(assignment.Syntax.GetLocation())),
            _ => null,
        }).Where(site => site is not null).Select(site => site!).ToEquatableArray();

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

/// <summary>A declaration's lowered tree with the locations of its sites and of the members it sets.</summary>
internal sealed record LoweredDeclaration(Ir Root, EquatableArray<LocationInfo> Sites, EquatableArray<MemberSite> Members);

/// <summary>Code in the declaration that sets a member (an argument or an assignment).</summary>
internal sealed record MemberSite(string Member, bool IgnoreCase, LocationInfo Location)
{
    public bool Sets(string member) => string.Equals(Member, member, IgnoreCase ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal);
}
