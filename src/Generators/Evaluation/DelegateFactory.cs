using System;
using System.Linq;
using System.Linq.Expressions;

namespace ViTDsl.Generators.Evaluation;

/// <summary>Builds a delegate of a given type (e.g. Func&lt;Experiment, Vit, Experiment&gt;) around an untyped body.</summary>
internal static class DelegateFactory
{
    public static Delegate Create(Type delegateType, Func<object?[], object?> body)
    {
        var invoke = delegateType.GetMethod("Invoke")!;
        var parameters = invoke.GetParameters().Select(p => Expression.Parameter(p.ParameterType, p.Name)).ToArray();
        var call = Expression.Invoke(Expression.Constant(body),
            Expression.NewArrayInit(typeof(object), parameters.Select(p => Expression.Convert(p, typeof(object)))));
        return Expression.Lambda(delegateType, Expression.Convert(call, invoke.ReturnType), parameters).Compile();
    }
}
