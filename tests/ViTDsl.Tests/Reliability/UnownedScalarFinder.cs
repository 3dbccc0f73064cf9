using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace ViTDsl.Tests.Reliability;

/// <summary>
/// Finds, with the compiler's semantic model, every place where code hands TorchSharp a <c>Scalar</c> that nothing
/// owns: a .NET number converted to <c>Scalar</c> (implicitly, as in <c>t.mul_(0.9)</c>, or by a cast), an operator or
/// method that TorchSharp implements by making such a Scalar itself (<c>t * 0.5</c>, <c>t + 1e-6</c>; see
/// <see cref="TorchSharpScalarMakers"/>), and a <c>ToScalar()</c> whose result is neither a <c>using</c> variable, a field
/// nor returned. Such a Scalar may be finalized, its native memory freed, while libtorch still reads it.
/// </summary>
internal static class UnownedScalarFinder
{
    public sealed record Finding(string File, int Line, string Code, string Problem)
    {
        public override string ToString() => $"{File}:{Line}: {Code} — {Problem}";
    }

    public static IReadOnlyList<Finding> Find(Compilation compilation, IEnumerable<SyntaxTree> trees, Func<string, string>? displayPath = null)
    {
        var findings = new List<Finding>();
        foreach (var tree in trees)
        {
            var model = compilation.GetSemanticModel(tree);
            var roots = new HashSet<IOperation>();
            foreach (var node in tree.GetRoot().DescendantNodes())
                if (model.GetOperation(node) is { } operation)
                {
                    while (operation.Parent is not null) operation = operation.Parent;
                    roots.Add(operation);
                }
            foreach (var operation in roots.SelectMany(r => r.DescendantsAndSelf()))
                if (Problem(operation) is { } problem)
                {
                    var line = operation.Syntax.GetLocation().GetLineSpan();
                    var code = operation.Syntax.ToString().ReplaceLineEndings(" ");
                    findings.Add(new Finding(displayPath?.Invoke(tree.FilePath) ?? tree.FilePath, line.StartLinePosition.Line + 1,
                        code.Length > 80 ? code[..77] + "..." : code, problem));
                }
        }
        return findings.DistinctBy(f => (f.File, f.Line, f.Code, f.Problem)).OrderBy(f => f.File).ThenBy(f => f.Line).ToList();
    }

    private static string? Problem(IOperation operation) => operation switch
    {
        IConversionOperation { Conversion.IsUserDefined: true } conversion when IsScalar(conversion.Type) && !IsOwned(conversion) =>
            $"{conversion.Operand.Type?.ToDisplayString() ?? "a value"} converted to a Scalar that nothing owns; pass an owned Scalar (OwnedScalars, or `using var s = x.ToScalar()`)",
        IBinaryOperation { OperatorMethod: { } method } when TorchSharpScalarMakers.Makes(method) =>
            $"TorchSharp's {method.ToDisplayString()} makes a Scalar of the number that nothing keeps alive; pass an owned Scalar",
        ICompoundAssignmentOperation { OperatorMethod: { } method } when TorchSharpScalarMakers.Makes(method) =>
            $"TorchSharp's {method.ToDisplayString()} makes a Scalar of the number that nothing keeps alive; pass an owned Scalar",
        IUnaryOperation { OperatorMethod: { } method } when TorchSharpScalarMakers.Makes(method) =>
            $"TorchSharp's {method.ToDisplayString()} makes a Scalar that nothing keeps alive",
        IInvocationOperation invocation when IsToScalar(invocation.TargetMethod) =>
            IsOwned(invocation) ? null : "a Scalar made by ToScalar() is used as a temporary; declare it with `using` (or keep it in a field)",
        IInvocationOperation invocation when TorchSharpScalarMakers.Makes(invocation.TargetMethod) =>
            $"TorchSharp's {invocation.TargetMethod.ToDisplayString()} makes a Scalar that nothing keeps alive; use an overload taking a Scalar and pass an owned one",
        IPropertyReferenceOperation { Property.GetMethod: { } getter } property when TorchSharpScalarMakers.Makes(getter) =>
            $"TorchSharp's {property.Property.ToDisplayString()} makes a Scalar that nothing keeps alive",
        _ => null,
    };

    private static bool IsScalar(ITypeSymbol? type) => type?.ToDisplayString() == "TorchSharp.Scalar";

    private static bool IsToScalar(IMethodSymbol method) => method.Name == "ToScalar" && IsScalar(method.ReturnType)
        && method.ContainingAssembly?.Name == "TorchSharp";

    /// <summary>A made Scalar is owned when it initialises a <c>using</c> variable, is stored in a field or property, or is returned.</summary>
    private static bool IsOwned(IOperation made)
    {
        var parent = made.Parent;
        while (parent is IConversionOperation { IsImplicit: true }) parent = parent.Parent;
        return parent switch
        {
            IVariableInitializerOperation { Parent: IVariableDeclaratorOperation { Parent.Parent.Parent: IUsingDeclarationOperation or IUsingOperation } } => true,
            ISimpleAssignmentOperation { Target: IFieldReferenceOperation or IPropertyReferenceOperation } => true,
            IFieldInitializerOperation or IPropertyInitializerOperation or IReturnOperation => true,
            _ => false,
        };
    }
}
