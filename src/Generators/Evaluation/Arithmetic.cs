using System;
using System.Globalization;
using Microsoft.CodeAnalysis.Operations;

namespace ViTDsl.Generators.Evaluation;

/// <summary>C#'s built-in numeric and boolean operators on evaluated values (int, long and double arithmetic).</summary>
internal static class Arithmetic
{
    public static object Apply(BinaryOperatorKind kind, object? left, object? right, bool resultIsInt32, int at)
    {
        if (left is bool a && right is bool b)
            return kind switch
            {
                BinaryOperatorKind.And => a & b, BinaryOperatorKind.Or => a | b, BinaryOperatorKind.ExclusiveOr => a ^ b,
                BinaryOperatorKind.Equals => a == b, BinaryOperatorKind.NotEquals => a != b,
                _ => throw Unsupported(kind, at),
            };
        if (left is null || right is null) throw new NotEvaluableException(at, "arithmetic on null");
        if (left is double || right is double || left is float || right is float)
            return Real(kind, ToDouble(left), ToDouble(right), at);
        long x = System.Convert.ToInt64(left, CultureInfo.InvariantCulture), y = System.Convert.ToInt64(right, CultureInfo.InvariantCulture);
        try
        {
            object result = Integer(kind, x, y, at);
            return result is long l && resultIsInt32 ? checked((int)l) : result;
        }
        catch (OverflowException)
        {
            // The declaration's own arithmetic overflows (C# would too, in a checked context): the user's to fix.
            throw new DslThrewException(at, new OverflowException(
                $"{x} {kind} {y} overflows {(resultIsInt32 ? "int" : "long")}; use smaller values (or long arithmetic)"));
        }
    }

    public static object Apply(UnaryOperatorKind kind, object? operand, int at) => (kind, operand) switch
    {
        (UnaryOperatorKind.Minus, int i) => i == int.MinValue ? throw new DslThrewException(at, new OverflowException("-int.MinValue overflows int")) : -i,
        (UnaryOperatorKind.Minus, long l) => l == long.MinValue ? throw new DslThrewException(at, new OverflowException("-long.MinValue overflows long")) : -l,
        (UnaryOperatorKind.Minus, double d) => -d,
        (UnaryOperatorKind.Plus, { } value) => value,
        (UnaryOperatorKind.Not, bool b) => !b,
        (UnaryOperatorKind.BitwiseNegation, int i) => ~i,
        (UnaryOperatorKind.BitwiseNegation, long l) => ~l,
        _ => throw new NotEvaluableException(at, $"unary operator {kind} is not supported here"),
    };

    private static object Real(BinaryOperatorKind kind, double x, double y, int at) => kind switch
    {
        BinaryOperatorKind.Add => x + y, BinaryOperatorKind.Subtract => x - y,
        BinaryOperatorKind.Multiply => x * y, BinaryOperatorKind.Divide => x / y, BinaryOperatorKind.Remainder => x % y,
        BinaryOperatorKind.Equals => x == y, BinaryOperatorKind.NotEquals => x != y,
        BinaryOperatorKind.LessThan => x < y, BinaryOperatorKind.LessThanOrEqual => x <= y,
        BinaryOperatorKind.GreaterThan => x > y, BinaryOperatorKind.GreaterThanOrEqual => x >= y,
        _ => throw Unsupported(kind, at),
    };

    private static object Integer(BinaryOperatorKind kind, long x, long y, int at)
    {
        if ((kind is BinaryOperatorKind.Divide or BinaryOperatorKind.Remainder) && y == 0)
            throw new NotEvaluableException(at, "division by zero");
        return kind switch
        {
            BinaryOperatorKind.Add => checked(x + y), BinaryOperatorKind.Subtract => checked(x - y),
            BinaryOperatorKind.Multiply => checked(x * y), BinaryOperatorKind.Divide => x / y, BinaryOperatorKind.Remainder => x % y,
            BinaryOperatorKind.LeftShift => x << (int)y, BinaryOperatorKind.RightShift => x >> (int)y,
            BinaryOperatorKind.And => x & y, BinaryOperatorKind.Or => x | y, BinaryOperatorKind.ExclusiveOr => x ^ y,
            BinaryOperatorKind.Equals => x == y, BinaryOperatorKind.NotEquals => x != y,
            BinaryOperatorKind.LessThan => x < y, BinaryOperatorKind.LessThanOrEqual => x <= y,
            BinaryOperatorKind.GreaterThan => x > y, BinaryOperatorKind.GreaterThanOrEqual => x >= y,
            _ => throw Unsupported(kind, at),
        };
    }

    private static double ToDouble(object value) => System.Convert.ToDouble(value, CultureInfo.InvariantCulture);

    private static NotEvaluableException Unsupported(BinaryOperatorKind kind, int at) =>
        new(at, $"operator {kind} is not supported here");
}
