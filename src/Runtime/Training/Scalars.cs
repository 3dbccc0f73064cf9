using TorchSharp;

namespace ViTDsl.Runtime;

/// <summary>
/// Why the Runtime never lets TorchSharp make a <see cref="Scalar"/> for it (<c>t.mul_(0.9)</c>, <c>t * 2.0</c>, and even
/// <c>a + b</c>, which TorchSharp 0.107 computes as <c>a.add(b, alpha: 1)</c> with a converted 1): such a Scalar's handle
/// goes to libtorch while nothing references the .NET object, so the garbage collector may finalize it — free the
/// native Scalar — while libtorch still reads it. That failed sweeps with "INTERNAL ASSERT FAILED at
/// c10/core/Scalar.h", "Unknown scalar type." or "Expected false to be true", and can as well give a wrong number.
/// Every Scalar the Runtime passes is owned instead: a <c>using</c> variable, whose <c>Dispose</c> after the call keeps
/// it alive through the call, or one of these constants, alive as long as the process.
/// The test <c>UnownedScalarGuardTests</c> finds any unowned Scalar in the Runtime and in generated models.
/// </summary>
internal static class Scalars
{
    /// <summary>The integer 1: the <c>alpha</c> of a plain addition (<c>a.add(b, Scalars.One)</c> is <c>a + b</c>).</summary>
    public static Scalar One { get; } = 1.ToScalar();

    /// <summary>The integer 2: <c>t.pow(Scalars.Two)</c> is TorchSharp's <c>square()</c>, whose 2 is not owned.</summary>
    public static Scalar Two { get; } = 2.ToScalar();

    /// <summary>−1/2, the exponent of an inverse square root.</summary>
    public static Scalar MinusHalf { get; } = (-0.5).ToScalar();
}
